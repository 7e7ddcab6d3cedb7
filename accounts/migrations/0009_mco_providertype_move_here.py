"""MCO and ProviderType describe organizations (the one a user belongs to), so they move from complaints to
accounts (issue 18). State only: the tables complaints_mco and complaints_providertype and their rows stay, and
the content types (with the permissions that name them) follow the models."""

import django.db.models.deletion
from django.db import migrations, models


def content_types_follow(apps, schema_editor, from_label="complaints", to_label="accounts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("mco", "providertype"):
        if ContentType.objects.filter(app_label=to_label, model=model).exists():
            continue
        ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_return(apps, schema_editor):
    content_types_follow(apps, schema_editor, from_label="accounts", to_label="complaints")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_audit_single_indexes_covered"),
        ("complaints", "0016_queue_order_columns_and_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MCO",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True)),
                        ("short_name", models.CharField(max_length=40, unique=True)),
                        (
                            "service_area",
                            models.CharField(
                                choices=[("statewide", "Statewide"), ("cook_county", "Cook County only")],
                                default="statewide",
                                max_length=16,
                            ),
                        ),
                        (
                            "active_from",
                            models.DateField(
                                blank=True, help_text="First day complaints can name this MCO.", null=True
                            ),
                        ),
                        (
                            "active_to",
                            models.DateField(
                                blank=True, help_text="Last day; leave empty while the contract runs.", null=True
                            ),
                        ),
                        (
                            "notification_email",
                            models.EmailField(
                                blank=True,
                                help_text="Where HFS sends complaint notices for this MCO (no PHI is ever sent).",
                                max_length=254,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "MCO",
                        "verbose_name_plural": "MCOs",
                        "db_table": "complaints_mco",
                        "ordering": ["name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("active_to__isnull", True),
                                    ("active_from__isnull", True),
                                    ("active_to__gte", models.F("active_from")),
                                    _connector="OR",
                                ),
                                name="complaints_mco_active_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("service_area__in", ["statewide", "cook_county"])),
                                name="complaints_mco_service_area",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProviderType",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True)),
                        ("name", models.CharField(max_length=120, unique=True)),
                        (
                            "reporting_group",
                            models.CharField(
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
                                max_length=32,
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                    ],
                    options={
                        "db_table": "complaints_providertype",
                        "ordering": ["name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "reporting_group__in",
                                        [
                                            "physician_apn",
                                            "hospital",
                                            "fqhc_rhc_erc",
                                            "pharmacy",
                                            "nursing_ltc",
                                            "home_health_hospice",
                                            "dme_supplies",
                                            "behavioral_sud",
                                            "dental",
                                            "vision",
                                            "lab_radiology",
                                            "transportation",
                                            "hcbs_atypical",
                                            "therapy",
                                            "other",
                                        ],
                                    )
                                ),
                                name="complaints_providertype_group_valid",
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="providerorganization",
                    name="provider_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.providertype"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return, elidable=False),
    ]
