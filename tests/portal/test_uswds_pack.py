"""The in-repo crispy "uswds" template pack: USWDS classes and accessible error markup."""

import pytest
from bs4 import BeautifulSoup
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template import Context, Template


class SampleForm(forms.Form):
    subject = forms.CharField(label="Short subject", max_length=10, help_text="A few words, no member names.")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    mco = forms.ChoiceField(label="MCO", choices=[("", "- Select -"), ("a", "Aetna"), ("m", "Molina")])
    access_to_care = forms.ChoiceField(
        label="Does this affect a member's immediate access to care?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        help_text="Urgent cases are reviewed first.",
    )
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("c", "Claims"), ("p", "Pharmacy")], widget=forms.CheckboxSelectMultiple
    )
    consent = forms.BooleanField(label="I agree my name is shared with the MCO.")

    def clean(self):  # type: ignore[no-untyped-def]
        if self.data.get("notes") == "kept":
            raise forms.ValidationError("Check the form and send it again.")
        return super().clean()

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.add_input(Submit("submit", "Send complaint"))
        return helper


def render(form: forms.Form) -> BeautifulSoup:
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    return BeautifulSoup(html, "html.parser")


def text(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join(element.get_text().split())


@pytest.fixture
def page() -> BeautifulSoup:
    form = SampleForm(data={"subject": "far too long a subject", "notes": "kept", "mco": ""})
    assert not form.is_valid()
    return render(form)


def test_error_summary_sits_at_the_top_and_links_to_each_field(page):
    summary = page.select_one(".portal-error-summary")
    assert summary is not None
    assert summary.find_next("input", id="id_subject") is not None  # the summary comes before the fields
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    heading = summary.select_one("h2")
    assert text(heading) == "There is a problem"
    assert summary["aria-labelledby"] == heading["id"]
    items = [text(li) for li in summary.select("li")]
    assert "Check the form and send it again." in items  # non-field error
    links = {a["href"]: text(a) for a in summary.select("li a")}
    # Each link names its field, so "This field is required." is never ambiguous.
    assert links["#id_subject"].startswith("Short subject: Ensure this value has at most 10 characters")
    assert links["#id_mco"] == "MCO: This field is required."
    # A question keeps its question mark, and a sentence its meaning, without "?:" or ".:".
    assert (
        links["#id_access_to_care_0"] == "Does this affect a member's immediate access to care? This field is required."
    )
    assert "#id_topics_0" in links
    assert links["#id_consent"] == "I agree my name is shared with the MCO: This field is required."
    for href in links:
        assert page.find(id=href[1:]) is not None, href


def test_text_field_has_label_hint_and_error_tied_by_aria_describedby(page):
    group = page.find(id="div_id_subject")
    assert group["class"] == ["usa-form-group", "usa-form-group--error"]
    label = group.find("label")
    assert label["class"] == ["usa-label", "usa-label--error"] and label["for"] == "id_subject"
    hint = group.find(id="id_subject-hint")
    assert hint["class"] == ["usa-hint"] and text(hint) == "A few words, no member names."
    error = group.find(id="id_subject-error")
    assert error["class"] == ["usa-error-message"]
    assert text(error).startswith("Ensure this value has at most 10 characters")
    field = group.find("input", id="id_subject")
    assert field["class"] == ["usa-input", "usa-input--error"]
    assert field["aria-describedby"].split() == ["id_subject-hint", "id_subject-error"]
    assert field["aria-invalid"] == "true"
    assert field["value"] == "far too long a subject"  # nothing typed is lost


def test_optional_field_without_errors_has_no_error_markup(page):
    group = page.find(id="div_id_notes")
    assert group["class"] == ["usa-form-group"]
    textarea = group.find("textarea")
    assert textarea["class"] == ["usa-textarea"]
    assert not textarea.has_attr("aria-invalid") and not textarea.has_attr("aria-describedby")
    assert "(optional)" in text(group.find("label"))
    assert text(textarea) == "kept"


def test_select_gets_usa_select_and_error_wiring(page):
    select = page.find("select", id="id_mco")
    assert select["class"] == ["usa-select", "usa-input--error"]
    assert select["aria-describedby"] == "id_mco-error"
    assert page.find(id="id_mco-error") is not None


def test_radios_are_a_fieldset_with_legend_and_usa_radio_inputs(page):
    group = page.find(id="div_id_access_to_care")
    fieldset = group.find("fieldset")
    assert fieldset["class"] == ["usa-fieldset"]
    assert fieldset["aria-describedby"].split() == ["id_access_to_care-hint", "id_access_to_care-error"]
    legend = fieldset.find("legend")
    assert text(legend) == "Does this affect a member's immediate access to care?"
    radios = fieldset.select("div.usa-radio > input.usa-radio__input[type=radio]")
    assert [(r["id"], r["value"], r["name"]) for r in radios] == [
        ("id_access_to_care_0", "yes", "access_to_care"),
        ("id_access_to_care_1", "no", "access_to_care"),
    ]
    labels = fieldset.select("label.usa-radio__label")
    assert [(label["for"], text(label)) for label in labels] == [
        ("id_access_to_care_0", "Yes"),
        ("id_access_to_care_1", "No"),
    ]
    assert fieldset.find(id="id_access_to_care-error") is not None


def test_checkbox_list_is_a_fieldset_of_usa_checkboxes(page):
    fieldset = page.find(id="div_id_topics").find("fieldset")
    assert text(fieldset.find("legend")) == "Topics"
    boxes = fieldset.select("div.usa-checkbox > input.usa-checkbox__input[type=checkbox]")
    assert [b["id"] for b in boxes] == ["id_topics_0", "id_topics_1"]


def test_single_checkbox_is_a_usa_checkbox_with_its_error(page):
    group = page.find(id="div_id_consent")
    assert "usa-form-group--error" in group["class"]
    box = group.select_one("div.usa-checkbox > input#id_consent")
    assert box["class"] == ["usa-checkbox__input"] and box["type"] == "checkbox"
    assert box["aria-describedby"] == "id_consent-error"
    assert text(group.select_one("label.usa-checkbox__label")) == "I agree my name is shared with the MCO."


def test_form_posts_with_csrf_and_a_usa_button(page):
    form = page.find("form")
    assert form["method"] == "post" and form.has_attr("novalidate")
    assert "usa-form" in form["class"]
    button = form.find("button", type="submit")
    assert button["class"] == ["usa-button"] and text(button) == "Send complaint"


def test_hidden_layout_input_renders_as_a_hidden_input():
    from crispy_forms.layout import Hidden

    form = SampleForm()
    helper = FormHelper()
    helper.add_input(Hidden("step", "2"))
    helper.add_input(Submit("submit", "Next"))
    html = Template("{% load crispy_forms_tags %}{% crispy form helper %}").render(
        Context({"form": form, "helper": helper})
    )
    page = BeautifulSoup(html, "html.parser")
    hidden = page.find("input", attrs={"name": "step"})
    assert hidden["type"] == "hidden" and hidden["value"] == "2"
    assert [b["value"] for b in page.find_all("button")] == ["Next"]


def test_checked_choices_are_kept_when_the_form_comes_back(page):
    form = SampleForm(data={"access_to_care": "no", "topics": ["p"], "consent": "on", "notes": "kept"})
    page = render(form)
    assert page.find("input", id="id_access_to_care_1").has_attr("checked")
    assert not page.find("input", id="id_access_to_care_0").has_attr("checked")
    assert page.find("input", id="id_topics_1").has_attr("checked")
    assert page.find("input", id="id_consent").has_attr("checked")


def test_unbound_form_shows_no_error_markup():
    page = render(SampleForm())
    assert page.select_one(".portal-error-summary") is None
    assert page.select(".usa-form-group--error") == []
    assert page.select("[aria-invalid]") == []
