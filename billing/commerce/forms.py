"""Forms of the tenant admin's payment pages (orders, refunds, coupons, receipt details)."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .. import money
from .models import Coupon, Order, SellerProfile


class OrderFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search", help_text="Order number, email, name, coupon")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Order.Status.choices])
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class RefundForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES,
                                help_text="In the order's currency, e.g. 10.00.")
    revoke_access = forms.TypedChoiceField(
        label="Access", coerce=lambda v: v == "revoke", initial="keep",
        choices=[("keep", "Keep the enrollment"), ("revoke", "Revoke the enrollment")], widget=forms.RadioSelect)
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["amount"].initial = money.from_minor(order.refundable_amount, order.currency)

    def clean_amount(self) -> int:
        try:
            minor = money.to_minor(self.cleaned_data["amount"], self.order.currency)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        if minor <= 0:
            raise ValidationError("Enter an amount above zero.")
        return minor


class CouponForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Letters, digits, - and _; learners may type it in any case.")
    kind = forms.ChoiceField(choices=Coupon.Kind.choices)
    percent_off = forms.IntegerField(required=False, min_value=1, max_value=100, label="Percent off")
    amount_off = forms.DecimalField(required=False, min_value=Decimal("0"), max_digits=money.MAX_DIGITS,
                                    decimal_places=money.DECIMAL_PLACES, label="Amount off")
    currency = forms.CharField(required=False, max_length=3, initial="USD")
    product_ref = forms.ChoiceField(required=False, label="Valid for", choices=[])
    expires_at = forms.DateTimeField(required=False, label="Expires", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    max_redemptions = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, label="Usage limit")

    def __init__(self, *args, products: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_ref"].choices = [("", "Every course"), *products]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Coupon.Kind.FIXED:
            try:
                currency = money.currency_clean(data.get("currency") or "")
                data["currency"] = currency
                if data.get("amount_off") is None:
                    self.add_error("amount_off", "Enter the amount taken off.")
                else:
                    data["amount_off"] = money.to_minor(data["amount_off"], currency)
            except ValidationError as exc:
                self.add_error("currency" if "currency" not in data else "amount_off", exc.messages)
        return data


class SellerProfileForm(forms.ModelForm):
    class Meta:
        model = SellerProfile
        fields = ["legal_name", "address", "tax_id", "receipt_footer"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
