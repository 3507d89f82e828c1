"""The institution's time zone: chosen by its admin (or at sign-up), activated per request, so
pages show and forms read local times while the database keeps UTC; another institution and the
API are unaffected."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError

from crowdfunding.models import Campaign
from tenants.models import Tenant
from tenants.services import tenant_time_zone_set

pytestmark = pytest.mark.django_db

UTC = dt_timezone.utc


def _day():
    from django.utils import timezone

    return (timezone.now() + timedelta(days=60)).date()


def _typed() -> str:
    return f"{_day():%Y-%m-%d}T09:00"


def _at(hour: int) -> datetime:
    return datetime.combine(_day(), time(hour), tzinfo=UTC)


def _tokyo(site_a):
    tenant_time_zone_set(tenant=site_a.tenant, time_zone="Asia/Tokyo")


@pytest.mark.parametrize("name", ["Mars/Olympus", "JST", "../../etc/passwd", "", "asia/tokyo"])
def test_only_iana_names_are_accepted(site_a, name):
    with pytest.raises(ValidationError) as exc:
        tenant_time_zone_set(tenant=site_a.tenant, time_zone=name)
    assert "time_zone" in exc.value.message_dict
    assert Tenant.objects.get(pk=site_a.tenant.pk).time_zone == "UTC"


def test_admin_sets_the_time_zone_on_the_settings_page(site_a, site_b, admin_a):
    from tenant_apps.accounts.models import SiteSettings

    client = site_a.client(admin_a)
    page = client.get("/manage/settings/").content.decode()
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in page and '<option value="UTC" selected>' in page
    with site_a:
        site = SiteSettings.objects.get(pk=1)
    form = {"display_name": site.display_name, "primary_color": site.primary_color}
    bad = client.post("/manage/settings/", form | {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    saved = client.post("/manage/settings/", form | {"time_zone": "Asia/Tokyo"})
    assert saved.status_code == 302
    assert Tenant.objects.get(pk=site_a.tenant.pk).time_zone == "Asia/Tokyo"
    assert Tenant.objects.get(pk=site_b.tenant.pk).time_zone == "UTC"
    assert '<option value="Asia/Tokyo" selected>' in client.get("/manage/settings/").content.decode()
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        entry = AuditEntry.objects.filter(action="tenant.time_zone").get()
    assert (entry.before, entry.after) == ({"time_zone": "UTC"}, {"time_zone": "Asia/Tokyo"})


def test_api_reads_and_sets_the_time_zone(site_a, admin_a):
    client = site_a.client(admin_a)
    assert client.get("/api/v1/settings").json()["time_zone"] == "UTC"
    bad = client.patch("/api/v1/settings", {"time_zone": "Nowhere/Land"}, content_type="application/json")
    assert bad.status_code == 400
    ok = client.patch("/api/v1/settings", {"time_zone": "Europe/Berlin"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert Tenant.objects.get(pk=site_a.tenant.pk).time_zone == "Europe/Berlin"


def _new_campaign(site, admin, slug: str):
    response = site.client(admin).post("/manage/campaigns/new/", {
        "title": f"Drive {slug}", "slug": slug, "pitch": "A pitch", "category": "other", "goal_amount": "100.00",
        "deadline": _typed()})
    assert response.status_code == 302, response.content.decode()[-3000:]
    with site:
        return Campaign.objects.get(slug=slug)


def test_a_deadline_typed_in_tokyo_is_stored_in_utc_and_shown_back_in_tokyo_time(site_a, site_b, admin_a, admin_b):
    _tokyo(site_a)
    form = site_a.client(admin_a).get("/manage/campaigns/new/").content.decode()
    assert "In Asia/Tokyo time (JST, UTC+09)." in form

    tokyo = _new_campaign(site_a, admin_a, "tokyo-drive")
    assert tokyo.deadline == _at(0)  # 09:00 in Tokyo

    admin = site_a.client(admin_a)
    edit = admin.get(f"/manage/campaigns/{tokyo.slug}/").content.decode()
    assert f'value="{_typed()}"' in edit  # the edit form shows it back in local time
    with site_a:
        from crowdfunding import services

        services.campaign_publish(campaign=tokyo, actor=admin_a)
    public = site_a.client().get(f"/campaigns/{tokyo.slug}/").content.decode()
    day = _day()
    assert f"{day.day} {day:%b %Y}, 09:00 JST" in public and f'datetime="{day:%Y-%m-%d}T09:00:00+09:00"' in public
    # saving the untouched edit form changes nothing
    with site_a:
        Campaign.objects.filter(pk=tokyo.pk).update(state=Campaign.State.DRAFT)
    resaved = admin.post(f"/manage/campaigns/{tokyo.slug}/", {
        "title": tokyo.title, "slug": tokyo.slug, "pitch": tokyo.pitch, "category": "other", "goal_amount": "100.00",
        "deadline": _typed()})
    assert resaved.status_code == 302
    with site_a:
        assert Campaign.objects.get(pk=tokyo.pk).deadline == _at(0)
    # the API keeps UTC
    api = admin.get(f"/api/v1/campaigns/{tokyo.slug}").json()
    assert api["deadline"] == f"{_day():%Y-%m-%d}T00:00:00Z"

    # another institution (UTC) reads the same typed time as UTC and shows it so
    utc = _new_campaign(site_b, admin_b, "utc-drive")
    assert utc.deadline == _at(9)
    other = site_b.client(admin_b).get(f"/manage/campaigns/{utc.slug}/").content.decode()
    assert f'value="{_typed()}"' in other and "In UTC." in other


def test_tenant_create_takes_a_time_zone(site_a):
    from tenants.services import tenant_create

    with pytest.raises(ValidationError) as exc:
        tenant_create(name="Zoned", slug="zoned-bad", admin_email="a@zoned.test", admin_password=None,
                      time_zone="Moon/Base")
    assert "time_zone" in exc.value.message_dict
    tenant = tenant_create(name="Zoned", slug="zoned", admin_email="a@zoned.test", admin_password=None,
                           time_zone="America/Sao_Paulo")
    assert Tenant.objects.get(pk=tenant.pk).time_zone == "America/Sao_Paulo"


def test_tasks_run_in_their_institutions_time_zone(site_a, site_b):
    """A task sent from Tokyo's site renders times (emails) in Tokyo time; one from B in UTC."""
    from celery import shared_task
    from django.utils import timezone

    @shared_task(name="tests.test_time_zone.current_zone")
    def current_zone() -> str:
        return timezone.get_current_timezone_name()

    _tokyo(site_a)
    with site_a:
        assert current_zone.apply().get() == "Asia/Tokyo"
    with site_b:
        assert current_zone.apply().get() == "UTC"
    assert timezone.get_current_timezone_name() == "UTC"  # reset after the task
