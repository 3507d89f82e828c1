"""Tracks made before per-track staff existed: their creator becomes the track's instructor
(django-guardian object permissions), so they can still edit, publish and review them."""
from django.db import migrations

CODENAMES = {
    "view_track": "Can view track",
    "change_track": "Can change track",
    "delete_track": "Can delete track",
    "publish_track": "Can publish the track and change its staff",
    "review_track": "Can review the track's project submissions",
}


def creators_become_instructors(apps, schema_editor):
    Track = apps.get_model("tracks", "Track")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="tracks", model="track")
    permissions = [Permission.objects.get_or_create(content_type=content_type, codename=codename,
                                                    defaults={"name": name})[0]
                   for codename, name in CODENAMES.items()]
    staffed = set(UserObjectPermission.objects.filter(content_type=content_type).values_list("object_pk", flat=True))
    for track in Track.objects.filter(created_by__isnull=False, created_by__is_active=True).iterator():
        if str(track.pk) in staffed:
            continue  # already has per-track staff: leave it as it is
        for permission in permissions:
            UserObjectPermission.objects.get_or_create(user_id=track.created_by_id, permission=permission,
                                                       content_type=content_type, object_pk=str(track.pk))


class Migration(migrations.Migration):

    dependencies = [
        ("tracks", "0002_track_staff_permissions"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(creators_become_instructors, migrations.RunPython.noop)]
