"""HFS triage staff work signals and systemic issues (view, and change through actions); the reporting group does
not (it reads the public statistics and the queue's totals only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the models as of this migration
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = ["view_signal", "change_signal", "view_systemicissue", "change_systemicissue"]
    permissions = Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)
    for name in ("HFS triage analyst", "HFS supervisor"):
        Group.objects.get(name=name).permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0023_systemic_issues")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
