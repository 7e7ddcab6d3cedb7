"""Complaint data. Reference data (MCO, ProviderType, Category) is edited by HFS supervisors."""

from django.db import models


class ReferenceQuerySet(models.QuerySet):
    def active(self) -> "ReferenceQuerySet":
        return self.filter(is_active=True)


class MCO(models.Model):
    """A Medicaid managed care organization a complaint can be about (exactly one per complaint, R4)."""

    class ServiceArea(models.TextChoices):
        STATEWIDE = "statewide", "Statewide"
        COOK_COUNTY = "cook_county", "Cook County only"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    service_area = models.CharField(max_length=16, choices=ServiceArea.choices, default=ServiceArea.STATEWIDE)
    active_from = models.DateField(null=True, blank=True, help_text="First day complaints can name this MCO.")
    active_to = models.DateField(null=True, blank=True, help_text="Last day; leave empty while the contract runs.")
    notification_email = models.EmailField(
        blank=True, help_text="Where HFS sends complaint notices for this MCO (no PHI is ever sent)."
    )

    class Meta:
        verbose_name = "MCO"
        verbose_name_plural = "MCOs"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="complaints_mco_active_range",
            ),
            models.CheckConstraint(
                condition=models.Q(service_area__in=["statewide", "cook_county"]), name="complaints_mco_service_area"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingGroup(models.TextChoices):
    """The provider type groups used in public statistics (DESIGN §4.1)."""

    PHYSICIAN_APN = "physician_apn", "Physician/APN"
    HOSPITAL = "hospital", "Hospital"
    FQHC_RHC_ERC = "fqhc_rhc_erc", "FQHC/RHC/ERC"
    PHARMACY = "pharmacy", "Pharmacy"
    NURSING_LTC = "nursing_ltc", "Nursing facility/LTC"
    HOME_HEALTH_HOSPICE = "home_health_hospice", "Home health/hospice"
    DME_SUPPLIES = "dme_supplies", "DME/supplies"
    BEHAVIORAL_SUD = "behavioral_sud", "Behavioral health/SUD"
    DENTAL = "dental", "Dental"
    VISION = "vision", "Vision"
    LAB_RADIOLOGY = "lab_radiology", "Lab/radiology"
    TRANSPORTATION = "transportation", "Transportation"
    HCBS_ATYPICAL = "hcbs_atypical", "HCBS waiver/atypical"
    THERAPY = "therapy", "Therapy"
    OTHER = "other", "Other"


class ProviderType(models.Model):
    """A kind of provider; its reporting group is what the public statistics show (R10)."""

    ReportingGroup = ReportingGroup

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    reporting_group = models.CharField(max_length=32, choices=ReportingGroup.choices)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reporting_group__in=ReportingGroup.values),
                name="complaints_providertype_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """The single topic of a complaint (R4)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="Plain-language hint shown on the form.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name
