"""Forms of the intake flow. They check shape and place messages; complaints.rules holds the rules."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from accounts.models import MCO
from complaints import rules
from complaints.models import Category
from portal.forms import form_helper, plain_length_messages

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]
DATE_HINT = "For example 11/29/2026."


def yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Yes or No."},
    )


def date_field(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 11/29/2026.", "required": "Enter the date."},
    )


# Characters nobody types in a letter: control characters (but tab, line feed and carriage return) and the marks that
# reverse the direction of text, which make what staff, the MCO or the provider read differ from what was sent.
_HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HIDDEN_CHARACTERS_MESSAGE = (
    "This text has a hidden formatting character, often copied along with text from another program. "
    "Type that part again, or paste it as plain text."
)


def no_hidden_characters(value: str) -> None:
    """Refuse control and direction-override characters (the text would not read as it was sent)."""
    if _HIDDEN_CHARACTERS.search(value):
        raise ValidationError(HIDDEN_CHARACTERS_MESSAGE, code="hidden_characters")


class LongTextField(forms.CharField):
    """A textarea's text. Browsers count a line break as one character against maxlength but send it as two
    (CR LF); counting it as one here means text the browser accepted is never "too long" on the server. Hidden
    control and direction-override characters are refused with one plain message (no_hidden_characters)."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        # The null character is one of them: one message for all, not Django's "Null characters are not allowed."
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(no_hidden_characters)

    def to_python(self, value):  # type: ignore[no-untyped-def]
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class ScreeningForm(forms.Form):
    program = forms.ChoiceField(
        label="Who pays for the service this complaint is about?",
        choices=[
            (
                "mco",
                "A Medicaid managed care organization (MCO): Aetna Better Health, Blue Cross Community, "
                "CountyCare, Meridian (including YouthCare) or Molina",
            ),
            ("ffs", "Illinois Medicaid Fee-for-Service (no MCO)"),
            ("medicare", "Medicare only"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who pays for the service."},
    )
    filed_with_mco = yes_no(
        "Have you already sent this issue to the MCO and given the MCO the chance to review it?",
        help_text="HFS can help only after the MCO's own process. You will need the MCO's tracking number.",
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Continue")


class ComplaintForm(forms.Form):
    """The complaint itself: one MCO, one topic (R4). Its idempotency key travels signed beside it (form_keys)."""

    mco = forms.ModelChoiceField(
        label="Which MCO is this complaint about?",
        queryset=MCO.objects.all(),
        empty_label="- Select one MCO -",
        help_text="One MCO per complaint. For a second MCO, file another complaint after this one.",
        error_messages={"required": "Choose the MCO.", "invalid_choice": "Choose an MCO from the list."},
    )
    category = forms.ModelChoiceField(
        label="What is the complaint about?",
        queryset=Category.objects.active(),
        empty_label="- Select one topic -",
        help_text="One topic per complaint. Several claims with the same problem can go in one complaint.",
        error_messages={"required": "Choose the topic.", "invalid_choice": "Choose a topic from the list."},
    )
    subject = forms.CharField(
        label="Short summary",
        max_length=150,
        help_text="A few words, without member names. For example: Inpatient claims denied for missing authorization.",
        error_messages={"required": "Write a short summary."},
    )
    description = LongTextField(
        label="Describe the problem and what you want the MCO to do",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened, what the MCO said, and the outcome you are asking for. Up to 5,000 characters.",
        error_messages={"required": "Describe the problem."},
    )
    mco_reference = forms.CharField(
        label="MCO tracking or reference number",
        max_length=64,
        help_text="The number the MCO gave you when you filed with it.",
        error_messages={"required": "Enter the MCO's tracking or reference number."},
    )
    mco_filed_on = date_field("Date you filed with the MCO")
    mco_responded = yes_no("Has the MCO answered?")
    mco_resolved_on = date_field("Date of the MCO's answer", required=False, help_text="If it answered. " + DATE_HINT)
    mco_resolution_summary = LongTextField(
        label="What did the MCO answer?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    concerns_members = yes_no(
        "Is this about specific members or claims?",
        help_text="If yes, list each member's name, 9-digit RIN and date of service below.",
    )
    access_to_care = yes_no(
        "Does this affect a member's immediate access to care?",
        help_text="For example a member cannot get a needed service or medicine now. These complaints are expedited.",
    )
    access_to_care_explanation = LongTextField(
        label="How is access to care affected?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if you answered Yes above.",
    )
    consent = forms.BooleanField(
        label="I understand that my name is shared with the MCO named in this complaint.",
        error_messages={"required": "Tick the box to agree that your name is shared with the MCO."},
    )
    # Ticked by the person (never by the script) after reading the filing-window warning (DESIGN §4.3 step 3).
    window_confirmed = forms.BooleanField(
        label="I have checked the dates. Send the complaint anyway; HFS decides whether it can be accepted.",
        required=False,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from complaints.selectors import mco_list_for_filing

        self.fields["mco"].queryset = mco_list_for_filing(today=timezone.localdate())
        plain_length_messages(self)

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        today = timezone.localdate()
        problems = {
            **rules.mco_step_problems(
                filed_on=cleaned.get("mco_filed_on"),
                resolved_on=cleaned.get("mco_resolved_on"),
                responded=bool(cleaned.get("mco_responded")),
                today=today,
            ),
            **rules.access_to_care_problems(
                access_to_care=bool(cleaned.get("access_to_care")),
                explanation=cleaned.get("access_to_care_explanation", ""),
            ),
        }
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


class ClaimLineForm(forms.Form):
    member_name = forms.CharField(
        label="Member name", max_length=150, error_messages={"required": "Enter the member's name."}
    )
    rin = forms.CharField(
        label="RIN",
        max_length=20,
        help_text="9 digits.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Enter the member's 9-digit RIN."},
    )
    service_from = date_field("Date of service", help_text="")
    service_to = date_field("Last date of service", required=False, help_text="If more than one day.")
    claim_number = forms.CharField(label="Claim number", max_length=40, required=False)
    billed_amount = forms.DecimalField(
        label="Billed amount ($)",
        required=False,
        max_digits=11,
        decimal_places=2,
        min_value=0,
        error_messages={"invalid": "Enter an amount like 125.50."},
    )

    def __init__(self, *args, filed_on: date | None = None, **kwargs):  # type: ignore[no-untyped-def]
        self.filed_on = filed_on
        super().__init__(*args, **kwargs)
        plain_length_messages(self)

    def clean_rin(self) -> str:
        return "".join(self.cleaned_data["rin"].split()).replace("-", "")

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if self.errors or not cleaned or cleaned.get("DELETE"):
            return cleaned
        line = rules.ClaimLine(
            member_name=cleaned["member_name"],
            rin=cleaned["rin"],
            service_from=cleaned["service_from"],
            service_to=cleaned.get("service_to"),
            claim_number=cleaned.get("claim_number", ""),
            billed_amount=cleaned.get("billed_amount"),
        )
        for name, message in rules.claim_line_problems(
            line, filed_on=self.filed_on, today=timezone.localdate()
        ).items():
            self.add_error(name, message)
        return cleaned

    def to_line(self) -> rules.ClaimLine:
        data = self.cleaned_data
        return rules.ClaimLine(
            member_name=data["member_name"],
            rin=data["rin"],
            service_from=data["service_from"],
            service_to=data.get("service_to"),
            claim_number=data.get("claim_number") or "",
            billed_amount=data.get("billed_amount"),
        )


class BaseClaimLineFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):  # type: ignore[no-untyped-def]
        # A line left completely blank is ignored, wherever it is (e.g. one added with "Add a line" and not used).
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)


ClaimLineFormSet = forms.formset_factory(
    ClaimLineForm,
    formset=BaseClaimLineFormSet,
    extra=0,
    can_delete=True,
    max_num=settings.PORTAL_CLAIM_LINES_MAX,
    absolute_max=settings.PORTAL_CLAIM_LINES_MAX,
    validate_max=True,
)

CSV_COLUMNS = ["member_name", "rin", "service_from", "service_to", "claim_number", "billed_amount"]


@dataclass
class CsvImport:
    rows: list[dict[str, str]]
    errors: list[str]


def parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_claims_csv(upload, *, filed_on: date | None) -> CsvImport:  # type: ignore[no-untyped-def]
    """Claim lines from the CSV template; every problem is reported with its row number (row 1 is the header)."""
    if upload.size > 2 * 1024 * 1024:
        return CsvImport([], ["The CSV file is larger than 2 MB. Split it into smaller files."])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return CsvImport([], ["The file is not a CSV text file. Save it from Excel as CSV UTF-8 and try again."])
    try:
        return _read_rows(csv.DictReader(io.StringIO(text)), filed_on=filed_on)
    except csv.Error:
        return CsvImport([], ["The file could not be read as CSV. Save it from Excel as CSV UTF-8 and try again."])


def _read_rows(reader: csv.DictReader, *, filed_on: date | None) -> CsvImport:  # type: ignore[type-arg]
    missing = [column for column in ("member_name", "rin", "service_from") if column not in (reader.fieldnames or [])]
    if missing:
        return CsvImport(
            [], [f"The first row must name the columns; missing: {', '.join(missing)}. Start from the template."]
        )
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    today = timezone.localdate()
    for number, raw in enumerate(reader, start=2):
        values = {column: (raw.get(column) or "").strip() for column in CSV_COLUMNS}
        if not any(values.values()):
            continue
        if len(rows) >= settings.PORTAL_CLAIM_LINES_MAX:
            errors.append(f"Row {number}: more than {settings.PORTAL_CLAIM_LINES_MAX} claims. Split them by topic.")
            break
        row_errors = []
        service_from = parse_date(values["service_from"])
        service_to = parse_date(values["service_to"]) if values["service_to"] else None
        if service_from is None:
            row_errors.append("the date of service is missing or not a date like 11/29/2026")
        if values["service_to"] and service_to is None:
            row_errors.append("the last date of service is not a date like 11/29/2026")
        amount = None
        if values["billed_amount"]:
            try:
                amount = Decimal(values["billed_amount"].replace("$", "").replace(",", ""))
            except InvalidOperation:
                row_errors.append("the billed amount is not a number like 125.50")
            else:
                if not amount.is_finite():
                    row_errors.append("the billed amount is not a number like 125.50")
                    amount = None
        rin = values["rin"].replace("-", "").replace(" ", "")
        if service_from is not None:
            line = rules.ClaimLine(values["member_name"], rin, service_from, service_to, values["claim_number"], amount)
            row_errors += [
                message[0].lower() + message[1:].rstrip(".")
                for message in rules.claim_line_problems(line, filed_on=filed_on, today=today).values()
            ]
        elif not rules.RIN.match(rin):
            row_errors.append("enter the member's 9-digit Recipient Identification Number (RIN), digits only")
        if row_errors:
            errors.append(f"Row {number}: " + "; ".join(row_errors) + ".")
        else:
            rows.append(
                {
                    "member_name": values["member_name"],
                    "rin": rin,
                    "service_from": service_from.isoformat() if service_from else "",
                    "service_to": service_to.isoformat() if service_to else "",
                    "claim_number": values["claim_number"],
                    "billed_amount": str(amount) if amount is not None else "",
                }
            )
    if not rows and not errors:
        errors.append("The file has no claim rows under the header row.")
    return CsvImport(rows, errors)


class AnswerForm(forms.Form):
    note = LongTextField(
        label="Your answer to HFS",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write your answer to HFS's question."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)


class WithdrawForm(forms.Form):
    note = LongTextField(
        label="Why are you withdrawing it? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)


class ProposalReplyForm(forms.Form):
    """The filing representative's reply to the MCO's written proposal: accept it, or dispute it with a reason."""

    reply = forms.ChoiceField(
        label="Your reply to the MCO's proposal",
        choices=[
            ("accept", "I accept the MCO's proposal"),
            ("dispute", "I dispute the MCO's proposal"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accept or dispute the proposal."},
    )
    reason = LongTextField(
        label="Your reason for disputing it",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed if you dispute the proposal. HFS reads it before it decides.",
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        # A reason refused by its field (too long, a hidden character) already says what to change.
        if cleaned.get("reply") == "dispute" and "reason" not in self.errors and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Write why you dispute the proposal.")
        return cleaned


class ExtensionRequestForm(forms.Form):
    """The provider asks for the complaint's one 30-day extension of the MCO's answer, with a reason."""

    reason = LongTextField(
        label="Why should the MCO get more time?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: you are sending the MCO more records. HFS decides; only one extension is possible.",
        error_messages={"required": "Write why you ask for more time."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)
