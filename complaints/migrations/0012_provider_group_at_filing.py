from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_the_organization(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Complaints filed before the group was kept: the organization's group now (the best record there is)."""
    Complaint = apps.get_model("complaints", "Complaint")
    ProviderOrganization = apps.get_model("accounts", "ProviderOrganization")
    group = ProviderOrganization.objects.filter(pk=OuterRef("organization_id")).values(
        "provider_type__reporting_group"
    )[:1]
    Complaint.objects.update(provider_group=Subquery(group))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_audit_append_only_trigger"),
        ("complaints", "0011_held_notices_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="provider_group",
            field=models.CharField(
                choices=[
                    ("physician_apn", "Physician/APN"),
                    ("hospital", "Hospital"),
                    ("fqhc_rhc_erc", "FQHC/RHC/ERC"),
                    ("pharmacy", "Pharmacy"),
                    ("nursing_ltc", "Nursing facility/LTC"),
                    ("home_health_hospice", "Home health/hospice"),
                    ("dme_supplies", "DME/supplies"),
                    ("behavioral_sud", "Behavioral health/SUD"),
                    ("dental", "Dental"),
                    ("vision", "Vision"),
                    ("lab_radiology", "Lab/radiology"),
                    ("transportation", "Transportation"),
                    ("hcbs_atypical", "HCBS waiver/atypical"),
                    ("therapy", "Therapy"),
                    ("other", "Other"),
                ],
                default="",
                editable=False,
                max_length=32,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(from_the_organization, migrations.RunPython.noop),
    ]
