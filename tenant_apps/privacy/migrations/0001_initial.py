from django.db import migrations


class Migration(migrations.Migration):
    """The app's first state: no tables (the parts' migrations add them)."""

    initial = True
    dependencies = []
    operations = []
