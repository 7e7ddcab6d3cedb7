"""Seed the reference data of DESIGN §4.1. HFS supervisors maintain it in the admin afterwards."""

from django.db import migrations

MCOS = [
    ("Aetna Better Health of Illinois", "Aetna", "statewide"),
    ("Blue Cross Community Health Plans", "BCCHP", "statewide"),
    ("CountyCare Health Plan", "CountyCare", "cook_county"),
    ("Meridian Health Plan of Illinois (incl. YouthCare)", "Meridian", "statewide"),
    ("Molina Healthcare of Illinois", "Molina", "statewide"),
]

# (code, name, reporting group)
PROVIDER_TYPES = [
    ("physician", "Physician", "physician_apn"),
    ("apn", "Advanced practice nurse", "physician_apn"),
    ("physician-group", "Physician group practice", "physician_apn"),
    ("hospital", "Hospital (inpatient or outpatient)", "hospital"),
    ("fqhc", "Federally qualified health center (FQHC)", "fqhc_rhc_erc"),
    ("rhc", "Rural health clinic (RHC)", "fqhc_rhc_erc"),
    ("erc", "Encounter rate clinic (ERC)", "fqhc_rhc_erc"),
    ("pharmacy", "Pharmacy", "pharmacy"),
    ("nursing-facility", "Nursing facility", "nursing_ltc"),
    ("supportive-living", "Supportive living program", "nursing_ltc"),
    ("home-health", "Home health agency", "home_health_hospice"),
    ("hospice", "Hospice", "home_health_hospice"),
    ("dme", "Durable medical equipment and supplies", "dme_supplies"),
    ("behavioral-health", "Behavioral health provider", "behavioral_sud"),
    ("sud-treatment", "Substance use disorder treatment", "behavioral_sud"),
    ("dental", "Dental", "dental"),
    ("vision", "Vision (optometry, optical)", "vision"),
    ("laboratory", "Independent laboratory", "lab_radiology"),
    ("radiology", "Radiology and imaging", "lab_radiology"),
    ("transportation", "Non-emergency transportation", "transportation"),
    ("hcbs-waiver", "Home and community-based services (waiver) provider", "hcbs_atypical"),
    ("therapy", "Therapy (physical, occupational, speech)", "therapy"),
    ("other", "Other provider type", "other"),
]

# (code, name, plain-language description)
CATEGORIES = [
    ("claims-payment", "Claims and payment", "Late, wrong or missing payment of claims."),
    ("claim-denial", "Claim denial", "Claims the MCO denied."),
    (
        "prior-authorization",
        "Prior authorization / service denial",
        "Authorizations or services the MCO denied, delayed or limited.",
    ),
    ("contracting-credentialing", "Contracting and credentialing", "Network contracts, credentialing, loading."),
    ("eligibility-enrollment", "Member eligibility and enrollment", "Whether a member is enrolled with the MCO."),
    ("pharmacy", "Pharmacy", "Prescriptions, formulary and pharmacy claims."),
    ("transportation", "Transportation", "Rides to and from covered services."),
    ("care-coordination", "Care coordination", "Care management and coordination with the MCO."),
    ("provider-services", "Provider services / MCO portal", "The MCO's call center, website or provider portal."),
    ("other", "Other", "Anything that fits none of the topics above."),
]


def seed(apps, schema_editor):
    MCO = apps.get_model("complaints", "MCO")
    ProviderType = apps.get_model("complaints", "ProviderType")
    Category = apps.get_model("complaints", "Category")
    for name, short_name, area in MCOS:
        MCO.objects.update_or_create(short_name=short_name, defaults={"name": name, "service_area": area})
    for code, name, group in PROVIDER_TYPES:
        ProviderType.objects.update_or_create(code=code, defaults={"name": name, "reporting_group": group})
    for order, (code, name, description) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
