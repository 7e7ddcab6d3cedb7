"""The admin's list of MCO memberships: read by HFS supervisors (who manage users), served from an index."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SUPERVISOR = "HFS supervisor"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)  # the models as of this migration
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="accounts", codename="view_mcomembership")
    Group.objects.get(name=SUPERVISOR).permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_mco_memberships_and_invitations"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mcomembership",
            index=models.Index(fields=["added_at", "id"], name="accounts_mco_member_added"),
        ),
        migrations.AddIndex(
            model_name="mcomembership",
            index=models.Index(fields=["mco", "added_at", "id"], name="accounts_mco_member_mco_added"),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
