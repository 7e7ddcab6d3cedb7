"""Forms of the accounts pages. They check shape; the services enforce the rules."""

from crispy_forms.layout import Fieldset
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.counties import COUNTY_CHOICES
from accounts.models import ProviderType, User
from accounts.validators import validate_npi
from portal.forms import form_helper, plain_length_messages


class PasswordPairMixin(forms.Form):
    """A new password typed twice, checked by the configured validators (length ≥ 12, common, similarity)."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Avoid common passwords and anything like your name or email.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def password_user(self) -> User:
        """An unsaved user with the typed details, for the similarity check (forms add name and email)."""
        return User()

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same. Type them again.")
        elif first:
            try:
                password_validation.validate_password(first, self.password_user())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegistrationForm(PasswordPairMixin, forms.Form):
    legal_name = forms.CharField(label="Organization's legal name", max_length=200)
    npi = forms.CharField(
        label="National Provider Identifier (NPI)",
        max_length=10,
        min_length=10,
        validators=[validate_npi],
        help_text="The organization's 10-digit NPI.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"min_length": "Enter all 10 digits of the NPI."},
    )
    medicaid_provider_id = forms.CharField(
        label="Illinois Medicaid provider ID", max_length=20, help_text="As shown in IMPACT."
    )
    provider_type = forms.ModelChoiceField(
        label="Provider type", queryset=ProviderType.objects.active(), empty_label="- Select -"
    )
    county = forms.ChoiceField(label="County", choices=[("", "- Select -"), *COUNTY_CHOICES])
    admin_full_name = forms.CharField(label="Your full name", max_length=200)
    admin_email = forms.EmailField(
        label="Your work email address",
        help_text="You will sign in with it. We send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    admin_phone = forms.CharField(
        label="Your work phone number", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )

    field_order = [
        "legal_name",
        "npi",
        "medicaid_provider_id",
        "provider_type",
        "county",
        "admin_full_name",
        "admin_email",
        "admin_phone",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)
        self.helper = form_helper(
            "Register organization",
            Fieldset("Your organization", "legal_name", "npi", "medicaid_provider_id", "provider_type", "county"),
            Fieldset(
                "You, the organization's administrator",
                "admin_full_name",
                "admin_email",
                "admin_phone",
                "password1",
                "password2",
            ),
        )

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].strip()

    def password_user(self) -> User:
        return User(
            email=self.cleaned_data.get("admin_email", ""), full_name=self.cleaned_data.get("admin_full_name", "")
        )


class SignInForm(AuthenticationForm):
    """Email and password. Errors never say which of the two was wrong."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": "The email address or password is not right. Check both and try again.",
        "inactive": "This account is not active. Ask your organization's administrator.",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Continue")

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            raise forms.ValidationError(
                "Confirm your email address first: open the link we emailed you when you registered. "
                "You can ask for a new link below.",
                code="unverified",
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code or recovery code",
        max_length=16,
        help_text="Open your authenticator app and type the code it shows for this portal.",
        # No numeric keypad here: recovery codes have letters.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, submit_label: str = "Sign in", setting_up: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plain_length_messages(self)
        if setting_up:  # no recovery codes exist yet: digits only
            self.fields["code"].label = "6-digit code from the app"
            self.fields["code"].help_text = ""
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = form_helper(submit_label)

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their work email address")
    is_billing_agent = forms.BooleanField(
        label="Billing agent",
        required=False,
        help_text="Files on your organization's behalf as a billing agent.",
    )
    is_org_admin = forms.BooleanField(
        label="Also an administrator",
        required=False,
        help_text="Can invite and remove representatives.",
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Send invitation")


class MCOAdminInvitationForm(forms.Form):
    """An HFS supervisor invites an MCO's administrator (the admin's action form)."""

    email = forms.EmailField(label="Work email address of the MCO's administrator")


class MCOInvitationForm(forms.Form):
    """An MCO's administrator invites a liaison to the MCO's team (/mco/team/)."""

    email = forms.EmailField(label="Their work email address")
    is_mco_admin = forms.BooleanField(
        label="Also an administrator",
        required=False,
        help_text="Can invite and remove the MCO's liaisons.",
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Send invitation")


class InvitationAcceptForm(PasswordPairMixin, forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=200)
    phone = forms.CharField(label="Your work phone number", max_length=30)

    field_order = ["full_name", "phone", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):  # type: ignore[no-untyped-def]
        self.email = email
        super().__init__(*args, **kwargs)
        plain_length_messages(self)
        self.helper = form_helper("Create my account")

    def password_user(self) -> User:
        return User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))


class TermsForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read the terms of use and agree to follow them.",
        error_messages={"required": "Tick the box to agree to the terms of use, or sign out."},
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Agree and continue")


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason, sent to the organization's administrator",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Plain language. No member information.",
    )
