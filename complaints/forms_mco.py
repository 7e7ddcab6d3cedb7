"""The MCO's forms (DESIGN §11): shape only; the services (complaints.services.mco) hold the rules."""

from django import forms

from complaints.forms import LongTextField
from complaints.wording import OUTCOME_FOR_MCO, Outcome
from portal.forms import plain_length_messages

# What choosing an outcome entails, said next to it on the form only.
_OUTCOME_HINTS = {Outcome.UPHELD: " (say why below)", Outcome.MISDIRECTED: " (it goes back to HFS)"}

# The outcome in the MCO's words (complaints.wording), as the liaison reads it on the form.
OUTCOME_CHOICES = [
    (outcome.value, words + _OUTCOME_HINTS.get(outcome, "")) for outcome, words in OUTCOME_FOR_MCO.items()
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
    # Never read from the form (the view hands request.FILES to the service): the field carries the file's errors,
    # so the form's one error summary (templates/uswds/errors.html) lists them and links to the file input.
    file = forms.FileField(
        label="Attach a file", required=False, widget=forms.FileInput(attrs={"id": "id_proposal_file"})
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
    """Shown on the page with the proposal form: its ids (not its names) carry an ``interim`` mark."""

    text = LongTextField(
        label="Progress update",
        help_text="What you are doing about it. HFS and the provider read it. Your answer is still due.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the update."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("auto_id", "id_interim_%s")
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
