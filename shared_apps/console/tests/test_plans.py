from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Plan
from billing.selectors import tenant_plan
from billing.services import plan_create, plan_delete, plan_update
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _plan_data(**overrides):
    data = {
        "code": "team", "name": "Team", "description": "For small schools", "price": "49.00", "currency": "usd",
        "interval": "month", "max_learners": "250", "max_courses": "", "storage_mb": "5120",
        "features": ["crowdfunding", "certificates"], "is_active": "on", "sort_order": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_plan_list(super_console):
    response = super_console.get("/console/plans/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Starter" in body and "49.00 USD / month" in body and "Free" in body


def test_create_plan_stores_minor_units_and_features(super_console):
    response = super_console.post("/console/plans/new/", _plan_data())
    assert response.status_code == 302 and response["Location"] == "/console/plans/"
    plan = Plan.objects.get(code="team")
    assert plan.price_amount == 4900 and isinstance(plan.price_amount, int)
    assert plan.currency == "USD"
    assert plan.max_learners == 250 and plan.max_courses is None
    assert plan.storage_mb == 5120 and plan.sort_order == 3 and plan.is_active
    assert plan.features == {"crowdfunding": True, "certificates": True}


@pytest.mark.parametrize("price,expected", [("0.29", 29), ("19.99", 1999), ("1000000", 100000000), ("0", 0), ("0.1", 10)])
def test_prices_convert_exactly(super_console, price, expected):
    # 0.29 * 100 as a float is 28.999999999999996: a float conversion would store 28.
    assert super_console.post("/console/plans/new/", _plan_data(price=price)).status_code == 302
    assert Plan.objects.get(code="team").price_amount == expected


def test_zero_decimal_currency(super_console):
    assert super_console.post("/console/plans/new/", _plan_data(price="5000", currency="JPY")).status_code == 302
    assert Plan.objects.get(code="team").price_amount == 5000


@pytest.mark.parametrize("overrides,field,message", [
    ({"price": "-1.00"}, "price", "greater than or equal to 0"),
    ({"price": "abc"}, "price", "Enter a number"),
    ({"price": "1.005"}, "price", "at most 2 decimal places"),
    ({"price": "10.5", "currency": "JPY"}, "price", "no minor unit"),
    ({"price": "99999999.99"}, "price", "too large"),
    ({"currency": "US"}, "currency", "is not a currency we accept"),
    ({"currency": "U$D"}, "currency", "is not a currency we accept"),
    ({"currency": ""}, "currency", "required"),
    ({"code": "Not a slug!"}, "code", "Enter a valid"),
    ({"code": "starter"}, "code", "already exists"),
    ({"storage_mb": "0"}, "storage_mb", "greater than or equal to 1"),
    ({"max_learners": "0"}, "max_learners", "greater than or equal to 1"),
    ({"features": ["teleportation"]}, "features", "Select a valid choice"),
    ({"interval": "week"}, "interval", "Select a valid choice"),
])
def test_bad_plan_input_is_a_form_error(super_console, overrides, field, message):
    response = super_console.post("/console/plans/new/", _plan_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Plan.objects.filter(name="Team").exists()


def test_edit_plan_shows_decimal_price_and_saves_minor_units(super_console):
    pro = Plan.objects.get(code="pro")
    page = super_console.get("/console/plans/pro/edit/")
    assert page.status_code == 200
    assert page.context["form"]["price"].value() == Decimal("49.00")
    assert 'value="49.00"' in page.content.decode()

    response = super_console.post("/console/plans/pro/edit/", _plan_data(
        code="renamed", name="Pro+", price="59.90", currency="eur", features=["sso"], is_active=None,
    ))
    assert response.status_code == 302
    pro.refresh_from_db()
    assert (pro.code, pro.name, pro.price_amount, pro.currency) == ("pro", "Pro+", 5990, "EUR")
    assert pro.features == {"sso": True} and not pro.is_active
    assert not Plan.objects.filter(code="renamed").exists()


def test_edit_plan_bad_input_leaves_it_unchanged(super_console):
    response = super_console.post("/console/plans/pro/edit/", _plan_data(price="-5", currency="XX1"))
    assert response.status_code == 400
    assert {"price", "currency"} <= set(response.context["form"].errors)
    pro = Plan.objects.get(code="pro")
    assert (pro.price_amount, pro.currency, pro.name) == (4900, "USD", "Pro")


def test_edit_unknown_plan_is_404(super_console):
    assert super_console.get("/console/plans/nope/edit/").status_code == 404


def test_plan_in_use_cannot_be_deleted(super_console, site_a):
    response = super_console.post("/console/plans/starter/delete/", follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert Plan.objects.filter(code="starter").exists()


def test_unused_plan_can_be_deleted(super_console):
    Plan.objects.create(code="old", name="Old")
    response = super_console.post("/console/plans/old/delete/")
    assert response.status_code == 302
    assert not Plan.objects.filter(code="old").exists()


# --- services ----------------------------------------------------------------------------


def test_plan_services_validate_and_keep_unknown_feature_keys():
    plan = plan_create(code="svc", name="Svc", price_amount=100, currency="gbp", features=["api_access"])
    assert plan.currency == "GBP" and plan.features == {"api_access": True}
    Plan.objects.filter(pk=plan.pk).update(features={"api_access": True, "beta_flag": "on"})
    plan.refresh_from_db()
    plan = plan_update(plan=plan, features=["sso"], name="Svc 2")
    assert plan.features == {"beta_flag": "on", "sso": True}
    assert plan.price_amount == 100  # untouched fields stay
    with pytest.raises(ValidationError) as exc:
        plan_update(plan=plan, currency="dollars")
    assert "currency" in exc.value.message_dict
    with pytest.raises(ValidationError):
        plan_create(code="svc", name="Again", price_amount=0)
    with pytest.raises(ValidationError):
        plan_create(code="neg", name="Neg", price_amount=-1)


def test_plan_delete_service_refuses_plans_in_use(site_a):
    with pytest.raises(ValidationError, match="Deactivate it instead"):
        plan_delete(plan=tenant_plan(tenant=site_a.tenant))
    assert tenant_plan(tenant=Tenant.objects.get(slug="acme")).code == "starter"
