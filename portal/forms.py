"""Helpers for views that turn a service's ValidationError into form errors."""

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors next to the fields they name (others go to the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, error)
