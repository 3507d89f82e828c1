"""Log in with an email address (stored lower-cased as the username) in the current schema."""
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = (email or username or "").strip().lower()
        if not login:
            return None
        return super().authenticate(request, username=login, password=password, **kwargs)
