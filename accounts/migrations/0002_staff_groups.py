"""Create the HFS staff groups (DESIGN §5). Later migrations add the permissions of later features."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRIAGE_ANALYST = "HFS triage analyst"
SUPERVISOR = "HFS supervisor"

GROUP_PERMISSIONS = {
    TRIAGE_ANALYST: [
        "complaints.view_mco",
        "complaints.view_providertype",
        "complaints.view_category",
        "accounts.view_providerorganization",
    ],
    SUPERVISOR: [
        "complaints.view_mco",
        "complaints.add_mco",
        "complaints.change_mco",
        "complaints.view_providertype",
        "complaints.add_providertype",
        "complaints.change_providertype",
        "complaints.view_category",
        "complaints.add_category",
        "complaints.change_category",
        "accounts.view_providerorganization",
        "accounts.view_user",
        "accounts.view_auditevent",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the models as of this migration
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("complaints", "0002_seed_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
