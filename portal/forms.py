"""Form helpers shared by every app: the crispy helper with its submit button, a service's ValidationError shown
on the form, plain-language length messages, and small numbers read from a form or an address."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError


def form_helper(submit_label: str, *layout: object) -> FormHelper:
    """A crispy helper with one submit button labelled ``submit_label`` (and the fields in ``layout``, if given)."""
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


def small_int(value: str | None) -> int | None:
    """A plain ASCII number from a form or the address, or None (never an exception)."""
    if value and value.isascii() and value.isdecimal() and len(value) <= 9:
        return int(value)
    return None


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors next to the fields they name (others go to the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, error)


class _PlainMaxLength:
    """Django's "Ensure this value has at most 150 characters (it has 163)." said so busy staff know what to do."""

    def __init__(self, limit: int, *, long_text: bool) -> None:
        self.limit, self.long_text = limit, long_text

    def __call__(self, value: str) -> None:
        if len(value) <= self.limit:
            return
        advice = " Put the rest in an attached file." if self.long_text else ""
        raise ValidationError(
            f"This has {len(value):,} characters; shorten it to {self.limit:,} or fewer.{advice}",
            code="max_length",
        )


def plain_length_messages(form: forms.BaseForm) -> None:
    """Give every text field of ``form`` the plain-language length message (call in the form's __init__)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            field.validators = [
                validator for validator in field.validators if getattr(validator, "code", "") != "max_length"
            ]
            field.validators.append(
                _PlainMaxLength(int(field.max_length), long_text=isinstance(field.widget, forms.Textarea))
            )
