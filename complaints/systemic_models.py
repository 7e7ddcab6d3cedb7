"""Systemic issues (DESIGN §12): the signals the detector raises over many providers' complaints, and the staff
records that group complaints into one case. Staff only; nothing here is published."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import MCO
from complaints.models import Category, Complaint


class Signal(models.Model):
    """An MCO, category and week whose new complaints look like one cause behind many providers' complaints
    (complaints.detection says how it is decided)."""

    class Rule(models.TextChoices):
        VOLUME = "volume", "More complaints than usual"
        SHARED_DATES = "shared_dates", "Same dates of service"

    class State(models.TextChoices):
        NEW = "new", "New"
        REVIEWED = "reviewed", "Reviewed"
        DISMISSED = "dismissed", "Dismissed"
        ISSUE = "issue", "Turned into a systemic issue"

    rule = models.CharField(max_length=16, choices=Rule.choices)
    mco = models.ForeignKey(MCO, on_delete=models.PROTECT, related_name="+", verbose_name="MCO")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField("week of", help_text="The Monday of the week the complaints arrived in.")
    observed = models.PositiveIntegerField("complaints")
    # The volume rule's numbers (none for the dates-of-service rule, which has no statistical model).
    expected = models.FloatField("usual a week", null=True, help_text="The average of the trailing weeks.")
    limit = models.PositiveIntegerField("unusual from", null=True, help_text="The smallest count called unusual.")
    p_value = models.FloatField("chance", null=True, help_text="The chance of this many or more if nothing changed.")
    organizations = models.PositiveIntegerField()
    shared_day = models.DateField("shared date of service", null=True, blank=True)
    why = models.TextField()
    complaints = models.ManyToManyField(Complaint, related_name="signals", blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    dismissed_reason = models.CharField(max_length=400, blank=True)
    issue = models.ForeignKey("SystemicIssue", on_delete=models.SET_NULL, null=True, blank=True, related_name="signals")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "-id"]
        indexes = [models.Index(fields=["-week_start", "-id"], name="signal_newest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "mco", "category", "week_start"], name="signal_once_per_week"),
            models.CheckConstraint(
                condition=~models.Q(state="dismissed") | ~models.Q(dismissed_reason=""),
                name="signal_dismissed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Signal {self.pk}: {self.mco.short_name} · {self.category.name} · week of {self.week_start:%-d %b %Y}"


class SystemicIssue(models.Model):
    """Complaints from many providers with one cause at one MCO, handled as one case."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        PRESENTED = "presented", "Presented to the MCO"
        RESOLVED = "resolved", "Resolved"

    title = models.CharField(max_length=150)
    mco = models.ForeignKey(MCO, on_delete=models.PROTECT, related_name="+", verbose_name="MCO")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    complaints = models.ManyToManyField(Complaint, through="SystemicIssueLink", related_name="systemic_issues")
    corrective_action = models.TextField("the MCO's corrective action", blank=True)
    corrective_action_at = models.DateTimeField(null=True, blank=True)
    presented_at = models.DateTimeField("presented to the MCO", null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome_code = models.CharField(max_length=32, choices=Complaint.OutcomeCode.choices, blank=True)
    outcome_text = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Systemic issue {self.pk}: {self.title}"


class SystemicIssueLink(models.Model):
    """A complaint in a systemic issue. ``open`` while the issue is not resolved: a complaint is in at most one open
    issue (the database refuses a second)."""

    issue = models.ForeignKey(SystemicIssue, on_delete=models.CASCADE, related_name="links")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="systemic_links")
    open = models.BooleanField(default=True)
    linked_at = models.DateTimeField(default=timezone.now)
    presented_at = models.DateTimeField("presented to the MCO with the issue", null=True, blank=True)
    mco_released = models.BooleanField(default=False)  # resolved with the issue while the MCO was still to answer

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "complaint"], name="systemic_link_once"),
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(open=True), name="complaint_in_one_open_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} in systemic issue {self.issue_id}"
