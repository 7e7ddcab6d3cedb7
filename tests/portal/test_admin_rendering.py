"""The admin lists' action checkbox and action menu are written directly (issue 17: Django's widgets render a
template per row and per option); what staff and screen readers get must be exactly Django's."""

import re

import pytest
from django import forms
from django.contrib import admin

from accounts.models import ProviderOrganization
from complaints.models import Complaint
from portal.admin import QuickActionCheckboxMixin, QuickSelect


def _same(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("value", [None, "", "take", ["take"]])
def test_the_action_menu_is_djangos_select(value):
    choices = [("", "---------"), ("take", 'Take <it> & "check" it'), ("close", "Close")]
    attrs = {"id": "action", "required": True}
    expected = forms.Select(choices=choices).render("action", value, attrs=attrs)
    assert _same(QuickSelect(choices=choices).render("action", value, attrs=attrs)) == _same(expected)


@pytest.mark.parametrize(
    "obj", [Complaint(pk=7, reference="MCO-2026-000007"), ProviderOrganization(pk=8, legal_name='Smith & <"Sons">')]
)
def test_the_row_checkbox_is_djangos(obj):
    model_admin = admin.site._registry[type(obj)]
    assert isinstance(model_admin, QuickActionCheckboxMixin)
    expected = admin.ModelAdmin.action_checkbox(model_admin, obj)
    assert _same(model_admin.action_checkbox(obj)) == _same(expected)
