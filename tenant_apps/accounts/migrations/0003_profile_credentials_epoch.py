from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="credentials_epoch",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
