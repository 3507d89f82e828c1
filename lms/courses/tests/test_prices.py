"""Course prices, one class of ISO 4217 exponent each (0, 2, 3): what the studio form stores is what
the studio, the course page, the catalog and the API show (billing.money is the only rule)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lms.courses import permissions
from lms.courses.models import Course
from lms.courses.tests.factories import build_published_course
from tenant_apps.accounts.tests.manage_helpers import client_as, media_in_tmp, text  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

CASES = [
    # written, currency, stored minor units, shown
    ("1500", "ISK", 1500, "1,500 ISK"),
    ("49", "USD", 4900, "49.00 USD"),
    ("1.50", "KWD", 1500, "1.500 KWD"),
    ("0.125", "BHD", 125, "0.125 BHD"),
]


def _tenant_prices_in(site, currency: str) -> None:
    """The institution's currency (chosen at sign-up) for this test; rolled back with the test."""
    from tenants.middleware import routing_cache_clear
    from tenants.models import Tenant

    Tenant.objects.filter(pk=site.tenant.pk).update(currency=currency)
    site.tenant.currency = currency
    routing_cache_clear()


def _details(course, **overrides) -> dict:
    data = {
        "title": course.title, "slug": course.slug, "summary": "", "description": "", "level": "beginner",
        "estimated_minutes": "", "tags": "", "capacity": "", "enrollment_opens_at": "", "enrollment_closes_at": "",
        "visibility": "listed", "price": "0", "price_currency": "USD",
    }
    return data | overrides


@pytest.mark.parametrize("written, currency, minor, shown", CASES)
def test_price_stored_by_the_studio_form_is_shown_the_same_everywhere(site_a, written, currency, minor, shown, payouts_ready):
    instructor = site_a.make_user("instructor")
    learner = site_a.make_user("learner")
    ta = site_a.make_user("teaching_assistant")
    _tenant_prices_in(site_a, currency)
    with site_a:
        course = build_published_course(author=instructor, title=f"Priced {currency}", slug=f"priced-{currency.lower()}")
    studio = client_as(site_a, instructor)
    response = studio.post(f"/studio/courses/{course.slug}/",
                           _details(course, price=written, price_currency=currency.lower()))
    assert response.status_code == 302, text(response)
    with site_a:
        course.refresh_from_db()
    assert (course.price_amount, course.price_currency) == (minor, currency)

    edit_page = studio.get(f"/studio/courses/{course.slug}/")
    assert edit_page.context["form"]["price"].value() == Decimal(written)  # the form gives it back as written
    with site_a:
        permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
    assert shown in text(client_as(site_a, ta).get(f"/studio/courses/{course.slug}/"))  # the read-only details

    course_page = text(client_as(site_a, learner).get(f"/courses/{course.slug}/"))
    assert shown in course_page
    assert shown in text(site_a.client().get("/courses/"))

    api = studio.get(f"/api/v1/studio/courses/{course.slug}")
    assert api.status_code == 200
    assert Decimal(api.json()["price"]) == Decimal(written) and api.json()["price_amount"] == minor
    patched = studio.patch(f"/api/v1/studio/courses/{course.slug}", {"price": written, "price_currency": currency},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["price_amount"] == minor


@pytest.mark.parametrize("written, currency, message", [
    ("10.5", "ISK", "ISK has no minor unit"),
    ("1.999", "USD", "at most 2 decimal places"),
    ("1.0005", "KWD", "decimal places"),
    ("5", "XYZ", "is not a currency we accept"),
    ("99999999", "USD", "too large"),
])
def test_the_studio_form_refuses_prices_the_currency_cannot_hold(site_a, written, currency, message):
    instructor = site_a.make_user("instructor")
    if currency != "XYZ":
        _tenant_prices_in(site_a, currency)
    with site_a:
        course = build_published_course(author=instructor, title="Refused price", slug="refused-price")
    response = client_as(site_a, instructor).post(f"/studio/courses/{course.slug}/",
                                                  _details(course, price=written, price_currency=currency))
    assert response.status_code == 400
    assert message in text(response)
    with site_a:
        assert Course.objects.get(pk=course.pk).price_amount == 0


def test_prices_are_in_the_institutions_own_currency_only(site_a):
    instructor = site_a.make_user("instructor")
    assert site_a.tenant.currency == "USD"
    with site_a:
        course = build_published_course(author=instructor, title="One currency", slug="one-currency")
    assert course.price_currency == "USD"  # new courses take the institution's currency
    studio = client_as(site_a, instructor)
    page = studio.post(f"/studio/courses/{course.slug}/", _details(course, price="10", price_currency="EUR"))
    assert page.status_code == 400 and "Prices on this site are in USD" in text(page)
    api = studio.patch(f"/api/v1/studio/courses/{course.slug}", {"price": "10", "price_currency": "EUR"},
                       content_type="application/json")
    assert api.status_code == 400 and "Prices on this site are in USD" in str(api.json())
    with site_a:
        assert Course.objects.get(pk=course.pk).price_amount == 0
