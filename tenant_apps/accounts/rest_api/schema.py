"""OpenAPI description of the tenant-bound JWT authentication (drf-spectacular extension).

Imported by the accounts API URLconf so it is registered before the schema is generated.
"""
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TenantJWTScheme(SimpleJWTScheme):
    target_class = "tenants.rest_api.authentication.TenantJWTAuthentication"
    name = "tenantJWT"
