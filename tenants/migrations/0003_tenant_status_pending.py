from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_plan_moves_to_billing_subscription")]

    operations = [
        migrations.AlterField(
            model_name="tenant",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("suspended", "Suspended"), ("pending", "Pending email confirmation")],
                default="active",
                max_length=16,
            ),
        ),
    ]
