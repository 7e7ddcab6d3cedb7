"""The HFS reporting group: the queue without PHI (no claim lines, descriptions or files)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the models as of this migration
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="HFS reporting")
    group.permissions.add(Permission.objects.get(content_type__app_label="complaints", codename="view_complaint"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_staff_complaint_permissions")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
