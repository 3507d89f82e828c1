"""Plan prices were stored with a currency table that differed from ISO 4217 for a few codes
(MGA as 0 decimals; IQD and LYD as 2; UYI as 2). billing.money now follows ISO: rescale those rows
so every plan keeps the amount it had."""
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import migrations

# currency: (exponent the amounts were stored with, ISO 4217 exponent)
RESCALE = {"MGA": (0, 2), "IQD": (2, 3), "LYD": (2, 3), "UYI": (2, 0)}


def _rescale(apps, direction: int):
    Plan = apps.get_model("billing", "Plan")
    for currency, (old, new) in RESCALE.items():
        shift = (new - old) * direction
        for plan in Plan.objects.filter(currency=currency).exclude(price_amount=0):
            amount = (Decimal(plan.price_amount).scaleb(shift)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
            plan.price_amount = int(amount)
            plan.save(update_fields=["price_amount"])


def forwards(apps, schema_editor):
    _rescale(apps, 1)


def backwards(apps, schema_editor):
    _rescale(apps, -1)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_subscription")]

    operations = [migrations.RunPython(forwards, backwards)]
