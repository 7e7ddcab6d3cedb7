import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.counties import COUNTY_CHOICES
from accounts.validators import validate_npi


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Email is the login and is case-insensitive: stored lower-case, so one unique index covers it.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        # Break-glass accounts are made on the server by someone who controls it: no email round trip.
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login, case-insensitively unique."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField("full name", max_length=200)
    phone = models.CharField("phone number", max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("HFS staff", default=False, help_text="Can sign in to the staff admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Part of the session hash: bumping it ends every session of this user at once (revocation).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        indexes = [
            # The admin list (issue 17): by email (unique, so a total order), alone or by staff or active.
            models.Index(fields=["is_staff", "email"], name="accounts_user_staff_email"),
            models.Index(fields=["is_active", "email"], name="accounts_user_active_email"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_session_auth_hash(self) -> str:
        """Django's session hash (password-based) extended with the session generation."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_fallback_hash(self):  # type: ignore[no-untyped-def]
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield salted_hmac(
                "accounts.User.get_session_auth_hash",
                f"{self.password}:{self.session_generation}",
                secret=fallback_secret,
                algorithm="sha256",
            ).hexdigest()

    def get_short_name(self) -> str:
        return self.full_name


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
        db_table = "complaints_mco"  # moved from complaints (issue 18); the table and its data stay
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
        db_table = "complaints_providertype"  # moved from complaints (issue 18)
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reporting_group__in=ReportingGroup.values),
                name="complaints_providertype_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderOrganization(models.Model):
    """An enrolled Illinois Medicaid provider. Only approved organizations can file (R11)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending HFS review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    legal_name = models.CharField(max_length=200)
    npi = models.CharField("NPI", max_length=10, unique=True, validators=[validate_npi])
    medicaid_provider_id = models.CharField("Illinois Medicaid provider ID", max_length=20)
    provider_type = models.ForeignKey(ProviderType, on_delete=models.PROTECT, related_name="+")
    county = models.CharField(max_length=40, choices=COUNTY_CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["legal_name"]
        indexes = [
            # The admin list (issue 17): by name, alone or by status.
            models.Index(fields=["legal_name", "id"], name="accounts_org_name"),
            models.Index(fields=["status", "legal_name", "id"], name="accounts_org_status_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(npi__regex=r"^[0-9]{10}$"), name="accounts_org_npi_10_digits"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected", "suspended"]),
                name="accounts_org_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class RepresentativeQuerySet(models.QuerySet["Representative"]):
    def active(self) -> "RepresentativeQuerySet":
        return self.filter(revoked_at__isnull=True)


class Representative(models.Model):
    """A user designated by an organization to file for it. One active designation per user."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designations")
    organization = models.ForeignKey(ProviderOrganization, on_delete=models.PROTECT, related_name="representatives")
    is_org_admin = models.BooleanField("organization administrator", default=False)
    is_billing_agent = models.BooleanField("billing agent", default=False)
    designated_at = models.DateTimeField(default=timezone.now)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "user"]
        indexes = [
            # The admin list (issue 17): latest designations first, alone or by role.
            models.Index(fields=["designated_at", "id"], name="accounts_rep_designated"),
            models.Index(fields=["is_org_admin", "designated_at", "id"], name="accounts_rep_admin_designated"),
            models.Index(fields=["is_billing_agent", "designated_at", "id"], name="accounts_rep_agent_designated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="accounts_one_active_designation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"


class Invitation(models.Model):
    """An invitation to a provider organization (as a representative) or to an MCO (as a liaison); single use,
    7 days. Exactly one of organization and MCO is set; `is_org_admin` makes the invitee that one's
    administrator."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        ProviderOrganization, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    mco = models.ForeignKey(
        MCO, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations", verbose_name="MCO"
    )
    email = models.EmailField(max_length=254)
    is_org_admin = models.BooleanField("administrator", default=False)
    is_billing_agent = models.BooleanField("billing agent", default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Part of the signed token: a token is good only for the invitation row it was made for.
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at", "id"], name="accounts_invitation_created")]  # admin list
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="accounts_one_open_invitation_per_email",
            ),
            models.UniqueConstraint(
                fields=["mco", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="accounts_one_open_mco_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, mco__isnull=True)
                | models.Q(organization__isnull=True, mco__isnull=False),
                name="accounts_invitation_to_one_place",
            ),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="accounts_invitation_email_lower"),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.email} for {self.organization or self.mco}"

    def is_open(self, now: "timezone.datetime | None" = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now


class MCOMembershipQuerySet(models.QuerySet["MCOMembership"]):
    def active(self) -> "MCOMembershipQuerySet":
        return self.filter(removed_at__isnull=True)


class MCOMembership(models.Model):
    """A user's place at an MCO (DESIGN §11): a liaison, or the MCO's administrator who invites and removes its
    liaisons. One active membership per user; a user belongs to at most one of an organization, an MCO, HFS staff
    (the services check the other two)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mco_memberships")
    mco = models.ForeignKey(MCO, on_delete=models.PROTECT, related_name="memberships", verbose_name="MCO")
    is_mco_admin = models.BooleanField("MCO administrator", default=False)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MCOMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "MCO membership"
        ordering = ["mco", "user"]
        indexes = [
            models.Index(fields=["mco", "removed_at", "added_at"], name="accounts_mco_member_list"),
            # The admin list: latest first, alone or by MCO.
            models.Index(fields=["added_at", "id"], name="accounts_mco_member_added"),
            models.Index(fields=["mco", "added_at", "id"], name="accounts_mco_member_mco_added"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(removed_at__isnull=True), name="accounts_one_active_mco_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.mco}"


class TermsAcceptance(models.Model):
    """A user accepted a version of the terms of use (R7)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="terms_acceptances")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="accounts_terms_once_per_version")]
        indexes = [
            # The admin list (issue 17): newest first, alone or by version.
            models.Index(fields=["accepted_at", "id"], name="accounts_terms_accepted"),
            models.Index(fields=["version", "accepted_at", "id"], name="accounts_terms_version_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted terms {self.version}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of who did what to which object (DESIGN §6.2). Ids only, never PHI.

    Enforced three times: here (save/delete), in the queryset (bulk update/delete) and in the database, by
    triggers that refuse UPDATE and DELETE (PostgreSQL: accounts/migrations/0005; SQLite: complaints/migrations/0015).
    """

    # Looked up through accounts_audit_actor_created; the time through accounts_audit_created (one index less to
    # write on the busiest table: a row per page view).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The admin list (issue 17): newest first, alone, by action, by kind of object or by actor; its search
            # by object id or request id.
            models.Index(fields=["created_at", "id"], name="accounts_audit_created"),
            models.Index(fields=["action", "created_at", "id"], name="accounts_audit_action_created"),
            models.Index(fields=["object_type", "created_at", "id"], name="accounts_audit_type_created"),
            models.Index(fields=["actor", "created_at", "id"], name="accounts_audit_actor_created"),
            models.Index(fields=["object_id"], name="accounts_audit_object_id"),
            models.Index(fields=["request_id"], name="accounts_audit_request_id"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class SessionRescue(models.Model):
    """One browser's sign-in, remembered past the session so that a form sent just after an idle sign-out is not
    lost (issue 16 item 13). The browser holds a random handle in its own cookie; only its SHA-256 is kept here.
    The form's fields wait here (``data``) for a short while, for the same user's next sign-in on that browser."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    handle_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    form = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    parked_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"session rescue #{self.pk}"
