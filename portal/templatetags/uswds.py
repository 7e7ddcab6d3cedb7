"""Helpers for the in-repo crispy-forms "uswds" template pack (templates/uswds/).

They compute the USWDS classes and the ARIA wiring (hint and error ids in aria-describedby,
aria-invalid) without mutating the form's widgets.
"""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_MULTI_CHOICE = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _widget_class(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Textarea):
        css = "usa-textarea"
    elif isinstance(widget, forms.Select):
        css = "usa-select"
    elif isinstance(widget, forms.FileInput):
        css = "usa-file-input"
    else:
        css = "usa-input"
    return f"{css} usa-input--error" if field.errors else css


@register.filter
def uswds_hint_id(field: BoundField) -> str:
    return f"{field.auto_id}-hint"


@register.filter
def uswds_error_id(field: BoundField) -> str:
    return f"{field.auto_id}-error"


@register.filter
def uswds_describedby(field: BoundField) -> str:
    """Space-separated ids of the field's hint and error message (what aria-describedby points at)."""
    ids = []
    if field.help_text:
        ids.append(uswds_hint_id(field))
    if field.errors:
        ids.append(uswds_error_id(field))
    return " ".join(ids)


@register.filter
def uswds_is_multichoice(field: BoundField) -> bool:
    """Radios and checkbox lists: rendered as a fieldset with a legend."""
    return isinstance(field.field.widget, _MULTI_CHOICE)


@register.filter
def uswds_input_type(field: BoundField) -> str:
    return "checkbox" if isinstance(field.field.widget, forms.CheckboxSelectMultiple) else "radio"


@register.filter
def uswds_anchor(field: BoundField) -> str:
    """The id an error-summary link should jump to: the first option of a radio/checkbox group."""
    if uswds_is_multichoice(field):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def uswds_widget(field: BoundField) -> SafeString:
    """Render the field's widget with USWDS classes and its aria attributes."""
    attrs = {"class": " ".join(filter(None, [field.field.widget.attrs.get("class", ""), _widget_class(field)]))}
    describedby = uswds_describedby(field)
    if describedby:
        attrs["aria-describedby"] = describedby
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def uswds_button_class(input_object: object) -> str:
    """USWDS button classes for a crispy Submit/Button/Reset (bootstrap "btn" classes are dropped)."""
    extra = [c for c in getattr(input_object, "field_classes", "").split() if not c.startswith("btn")]
    base = ["usa-button"]
    if getattr(input_object, "input_type", "") in ("button", "reset"):
        base.append("usa-button--outline")
    return " ".join(base + extra)


@register.filter
def uswds_summary_label(field: BoundField) -> str:
    """The field's label as the lead-in of an error-summary line: "Has the MCO answered? Choose Yes or No." and
    "I understand … this complaint: Tick the box …" (no "?:" or ".:")."""
    label = str(field.label).strip()
    if label.endswith("?"):
        return label + " "
    return label.rstrip(".:") + ": "
