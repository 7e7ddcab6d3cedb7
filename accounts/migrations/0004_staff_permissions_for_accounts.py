"""HFS staff decide on organizations; supervisors also read invitations, terms acceptances and sign-in attempts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRIAGE_ANALYST = "HFS triage analyst"
SUPERVISOR = "HFS supervisor"

GROUP_PERMISSIONS = {
    TRIAGE_ANALYST: ["accounts.change_providerorganization"],
    SUPERVISOR: [
        "accounts.change_providerorganization",
        "accounts.view_representative",
        "accounts.view_invitation",
        "accounts.view_termsacceptance",
        "portal.view_outboundemail",
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the models as of this migration
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitations_terms_sessions"),
        ("portal", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
