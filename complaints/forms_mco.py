"""The MCO's forms (DESIGN §11): shape only; the services (complaints.services.mco) hold the rules."""

from django import forms

from complaints.forms import LongTextField
from complaints.models import MCOProposal
from portal.forms import plain_length_messages

# The outcome in plain words, as the MCO liaison reads it on the form.
OUTCOME_CHOICES = [
    (MCOProposal.Outcome.PAY.value, "We will pay or reprocess the claims"),
    (MCOProposal.Outcome.PARTIAL.value, "We will pay or reprocess part of the claims"),
    (MCOProposal.Outcome.UPHELD.value, "We uphold our decision (say why below)"),
    (MCOProposal.Outcome.MISDIRECTED.value, "This is not our member or not our complaint (it goes back to HFS)"),
]


class ProposalForm(forms.Form):
    """The written proposal: saving a draft needs nothing; submitting needs the outcome and the text."""

    outcome = forms.ChoiceField(
        label="Your answer",
        choices=OUTCOME_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    text = LongTextField(
        label="Your written proposal",
        help_text="What you will do and why. HFS and the provider read it once you submit it.",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)

    def check_complete(self) -> bool:
        """For "Submit the proposal": the outcome and the text, each said next to its field."""
        if not self.is_valid():
            return False
        if not self.cleaned_data["outcome"]:
            self.add_error("outcome", "Choose your answer.")
        if not self.cleaned_data["text"].strip():
            self.add_error("text", "Write your proposal.")
        return not self.errors


class InterimForm(forms.Form):
    text = LongTextField(
        label="Progress update",
        help_text="What you are doing about it. HFS and the provider read it. Your answer is still due.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the update."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)


class ExtensionForm(forms.Form):
    reason = LongTextField(
        label="Why you need more time",
        help_text="HFS decides. The complaint can have one 30-day extension, asked once.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you need more time."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)
