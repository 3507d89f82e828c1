"""Tenant-admin pages (placeholder until user management lands)."""
from django.http import HttpResponse

from .decorators import tenant_admin_required


@tenant_admin_required
def user_list(request):
    return HttpResponse("members")


@tenant_admin_required
def site_settings(request):
    return HttpResponse("settings")
