"""Operator roles as Groups in the public schema; existing operators keep working:
superusers become admins, other staff users support."""
from django.db import migrations

ROLE_GROUPS = {"support": "operator-support", "admin": "operator-admin"}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    support, _ = Group.objects.get_or_create(name=ROLE_GROUPS["support"])
    admin, _ = Group.objects.get_or_create(name=ROLE_GROUPS["admin"])
    for user in User.objects.filter(is_staff=True):
        (admin if user.is_superuser else support).user_set.add(user)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, drop_roles)]
