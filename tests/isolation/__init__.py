"""Support of the isolation suite: a fully seeded tenant, the route registry, checksums of a schema."""
