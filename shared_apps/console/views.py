"""Operator console (placeholder until the console lands)."""
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse


@staff_member_required
def tenant_list(request):
    return HttpResponse("tenants")
