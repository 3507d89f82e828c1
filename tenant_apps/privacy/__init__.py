"""Privacy: what each app holds about a person, export and erasure of it, policies and consent."""
