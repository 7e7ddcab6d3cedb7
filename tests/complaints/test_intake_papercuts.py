"""Issue 16, the intake papercuts (items 8, 9, 10, 12, 14, 15), in the browser's terms without a browser: what the
server sends back when a representative screens, fills the form, gets something wrong and files a second complaint."""

import html
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.forms import CodeForm, InvitationAcceptForm, RegistrationForm
from accounts.models import MCO
from complaints.forms import AnswerForm, ClaimLineForm, ComplaintForm, WithdrawForm
from complaints.models import Category, Complaint
from complaints.rules import ClaimLine
from tests.complaints.factories import draft, submit
from tests.complaints.test_intake_views import form_data, key_of, screened
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

FORM = "/complaints/new/complaint/"


@pytest.fixture
def rep_client(client):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.user = representative.user
    client.representative = representative
    return client


def page_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


# Item 10: Fee-for-Service and Medicare-only are deflected first, whatever else was answered.


@pytest.mark.parametrize(
    ("program", "heading"),
    [("ffs", "Fee-for-Service issues are handled by phone"), ("medicare", "Medicare-only issues are not handled here")],
)
def test_fee_for_service_or_medicare_is_sent_to_the_phone_line_without_asking_about_the_mco(
    rep_client, program, heading
):
    response = rep_client.post("/complaints/new/", {"program": program})
    page = page_of(response)
    assert response.status_code == 200 and heading in page and "877-782-5565" in page
    assert "Choose Yes or No." not in page and "Nothing was saved." in page


def test_an_mco_issue_still_needs_the_mco_question_answered(rep_client):
    page = page_of(rep_client.post("/complaints/new/", {"program": "mco"}))
    assert "Choose Yes or No." in page and "handled by phone" not in page


# Item 8: the filing-window warning comes on the form, before anything is filed.


@pytest.mark.parametrize(("days", "warning"), [(5, "You filed with the MCO 5 days ago."), (90, "90 days ago")])
def test_a_date_outside_the_filing_window_is_warned_on_the_form_and_filed_only_once_confirmed(
    rep_client, days, warning
):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    dates = {
        "mco_filed_on": days_ago(days),
        "lines-0-service_from": days_ago(100),
        "lines-1-service_from": days_ago(99),
    }
    response = rep_client.post(FORM, form_data(key, **dates))
    page = page_of(response)
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "Check the filing dates before sending" in page and warning in page
    confirm = re.search(r'<div class="usa-checkbox margin-top-2"\s+id="filing-window-confirm"([^>]*)>', page)
    assert confirm and "hidden" not in confirm.group(1), "the 'send it anyway' box is shown"
    # Nothing typed is lost.
    assert "Twelve claims were paid at the wrong rate since July." in page and 'value="Blake Member"' in page
    assert 'value="AET-2026-7781"' in page and key_of(response) == key

    response = rep_client.post(FORM, form_data(key, **dates, window_confirmed="on"))
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/complaints/{complaint.public_id}/submitted/"
    assert complaint.filing_window == ("early" if days == 5 else "late")
    assert complaint.possibly_premature == (days == 5)


def test_a_date_inside_the_window_files_at_once_and_the_page_carries_the_limits_for_the_script(rep_client):
    screened(rep_client)
    page = page_of(rep_client.get(FORM))
    today = timezone.localdate().isoformat()
    assert f'data-today="{today}"' in page and 'data-min-days="30"' in page and 'data-max-days="60"' in page
    assert 'data-after-resolution-days="30"' in page and 'data-earliest="2011-01-01"' in page
    assert "portal/js/intake.js" in page
    response = rep_client.post(FORM, form_data(key_of(rep_client.get(FORM)), mco_filed_on=days_ago(45)))
    assert response.status_code == 302 and Complaint.objects.count() == 1


def test_an_answer_from_the_mco_within_30_days_needs_no_confirmation(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    data = form_data(key, mco_filed_on=days_ago(10), mco_responded="yes", mco_resolved_on=days_ago(3))
    assert rep_client.post(FORM, data).status_code == 302 and Complaint.objects.count() == 1


# Item 9: "File another complaint" starts from the first one, for its own representative only.


def test_file_another_complaint_starts_with_the_first_ones_mco_step_and_claim_lines(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    data = form_data(
        key,
        mco_responded="yes",
        mco_filed_on=days_ago(50),
        mco_resolved_on=days_ago(20),
        mco_resolution_summary="Upheld the denial.",
        **{"lines-1-service_to": days_ago(68), "lines-1-claim_number": "CLM-22"},
    )
    first_response = rep_client.post(FORM, data)
    first = Complaint.objects.get()
    confirmation = page_of(rep_client.get(first_response["Location"]))
    link = f"/complaints/new/another/?from={first.public_id}"
    assert f'href="{link}"' in confirmation

    response = rep_client.get(link)
    page = page_of(response)
    assert response.status_code == 200 and f"Started from complaint {first.reference}" in page
    assert 'value="AET-2026-7781"' in page
    assert f'value="{days_ago(50)}"' in page and f'value="{days_ago(20)}"' in page
    assert "Upheld the denial." in page
    assert 'value="Avery Member"' in page and 'value="123456789"' in page
    assert 'value="Blake Member"' in page and 'value="987654321"' in page and 'value="CLM-22"' in page
    assert 'value="210.00"' in page and f'value="{days_ago(68)}"' in page
    # The MCO and the topic are left to choose; the summary and description are the new complaint's own.
    for select in ("id_mco", "id_category"):
        choices = re.search(rf'<select[^>]*id="{select}".*?</select>', page, re.S).group(0)
        assert not re.search(r'<option value="[^"]+" selected', choices)
    assert "Twelve claims were paid" not in page and "Claims paid at the wrong rate" not in page
    new_key = key_of(response)
    assert new_key != key

    second = dict(data)
    second.update(
        idempotency_key=new_key,
        mco=str(MCO.objects.get(short_name="Molina").pk),
        category=str(Category.objects.get(code="claim-denial").pk),
        subject="Same claims, denied by Molina too",
    )
    assert rep_client.post(FORM, second).status_code == 302
    made = Complaint.objects.exclude(pk=first.pk).get()
    assert (made.mco.short_name, made.mco_reference, made.claims.count()) == ("Molina", "AET-2026-7781", 2)


@pytest.mark.parametrize("whose", ["colleague", "other organization"])
def test_file_another_from_someone_elses_complaint_is_not_found_and_shows_nothing(rep_client, whose):
    owner = (
        RepresentativeFactory(organization=rep_client.representative.organization)
        if whose == "colleague"
        else RepresentativeFactory()
    )
    theirs = submit(owner.user, mco_reference="SECRET-REF-1")
    response = rep_client.get(f"/complaints/new/another/?from={theirs.public_id}")
    page = page_of(response)
    assert response.status_code == 404
    assert "SECRET-REF-1" not in page and "Pat Example" not in page and "123456789" not in page


def test_file_another_from_a_mangled_address_is_not_found(rep_client):
    assert rep_client.get("/complaints/new/another/?from=not-a-complaint").status_code == 404


def test_file_another_without_a_complaint_is_an_empty_form(rep_client):
    response = rep_client.get("/complaints/new/another/", follow=True)
    assert response.status_code == 200 and "Started from complaint" not in page_of(response)


def test_a_complaint_filed_for_another_organization_is_not_carried_over(rep_client):
    """Someone who once filed for organization A and now files for B starts empty-handed: nothing crosses over."""
    mine = submit(rep_client.user, mco_reference="ORG-A-REF")
    designation = rep_client.representative
    designation.revoked_at = timezone.now()
    designation.save(update_fields=["revoked_at"])
    RepresentativeFactory(user=rep_client.user)  # the same person now represents organization B
    response = rep_client.get(f"/complaints/new/another/?from={mine.public_id}")
    assert response.status_code == 404 and "ORG-A-REF" not in page_of(response)


# Item 12: messages that say what to do.


def over_long(field: forms.CharField) -> str:
    return "x" * (field.max_length + 7)


FORMS_WITH_TEXT = {
    ComplaintForm: {},
    ClaimLineForm: {},
    AnswerForm: {},
    WithdrawForm: {},
    RegistrationForm: {},
    CodeForm: {},
    InvitationAcceptForm: {"email": "new.person@clinic.example"},
}


@pytest.mark.parametrize(
    ("form_class", "name"),
    [
        (form_class, name)
        for form_class in FORMS_WITH_TEXT
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length and not isinstance(field, forms.EmailField)
    ],
)
def test_every_text_field_says_how_long_it_may_be_in_plain_words(form_class, name):
    field = form_class.base_fields[name]
    form = form_class(data={name: over_long(field)}, **FORMS_WITH_TEXT[form_class])
    form.is_valid()
    limit, got = field.max_length, field.max_length + 7
    message = " ".join(form.errors[name])
    assert f"This has {got:,} characters; shorten it to {limit:,} or fewer." in message
    assert "Ensure this value" not in message
    if isinstance(field.widget, forms.Textarea):
        assert "Put the rest in an attached file." in message


def test_an_over_long_summary_is_explained_in_the_form(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    page = page_of(rep_client.post(FORM, form_data(key, subject="s" * 163)))
    assert "Short summary: This has 163 characters; shorten it to 150 or fewer." in page
    assert not Complaint.objects.exists()


def test_line_breaks_count_once_as_the_browser_counted_them(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    description = ("d" * 99 + "\r\n") * 50  # 5,000 characters in the browser, 5,050 as sent
    response = rep_client.post(FORM, form_data(key, description=description))
    assert response.status_code == 302
    assert len(Complaint.objects.get().description) == 4999  # stripped of the final line break


def test_a_tampered_form_key_is_refused_with_the_text_kept_and_never_files(rep_client):
    screened(rep_client)
    rep_client.get(FORM)
    for _ in range(2):  # posting it again changes nothing
        response = rep_client.post(FORM, form_data("not-a-uuid"))
        page = page_of(response)
        assert response.status_code == 400
        assert "This form has expired or was changed" in page and "Your text is kept below" in page
        assert "Twelve claims were paid at the wrong rate since July." in page and 'value="Blake Member"' in page
    assert not Complaint.objects.exists()
    fresh = key_of(response)
    assert rep_client.post(FORM, form_data(fresh)).status_code == 302 and Complaint.objects.count() == 1


def test_a_key_never_given_to_this_session_is_refused_not_forbidden(rep_client):
    other = RepresentativeFactory()
    theirs = submit(other.user)
    screened(rep_client)
    for key in (str(theirs.idempotency_key), str(uuid.uuid4()), str(uuid.uuid4())):
        response = rep_client.post(FORM, form_data(key))
        assert response.status_code == 400 and "This form has expired or was changed" in page_of(response)
        assert key_of(response) != key
    assert Complaint.objects.count() == 1  # theirs only


def test_the_same_issued_form_sent_twice_still_makes_one_complaint(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    first = rep_client.post(FORM, form_data(key))
    second = rep_client.post(FORM, form_data(key))
    assert first["Location"] == second["Location"] and Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mco_filed_on": "2010-12-31"}, "mco_filed_on"),
        ({"lines-0-service_from": "2006-03-01"}, "lines-0-service_from"),
    ],
)
def test_dates_before_the_earliest_date_are_refused_with_a_clear_message(rep_client, overrides, field):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    page = page_of(rep_client.post(FORM, form_data(key, **overrides)))
    error = re.search(rf'<span class="usa-error-message" id="id_{field}-error">(.*?)</span>', page, re.S)
    assert error and "is before January 1, 2011" in error.group(1) and "Check the year." in error.group(1)
    assert not Complaint.objects.exists()


@override_settings(PORTAL_EARLIEST_DATE=date(2020, 1, 1))
def test_the_earliest_date_is_a_setting_the_service_enforces_too(rep_client):
    with pytest.raises(ValidationError) as refused:
        submit(rep_client.user, lines=[ClaimLine("Pat Example", "123456789", date(2019, 12, 31), None, "", Decimal(1))])
    assert "January 1, 2020" in str(refused.value)
    with pytest.raises(ValidationError):
        submit(rep_client.user, mco_filed_on=date(2019, 12, 31), lines=[])
    assert submit(rep_client.user, lines=[ClaimLine("Pat Example", "123456789", date(2020, 1, 1))])
    assert draft()  # the ordinary draft is untouched by the setting


# Item 14: the form posts to its own address, never to one with a #fragment.


def test_the_form_posts_to_its_own_address_without_a_fragment(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    for response in (rep_client.get(FORM), rep_client.post(FORM, form_data(key, subject=""))):
        assert re.search(r'<form method="post"\s+action="/complaints/new/complaint/"', page_of(response))


# Item 15: "Add a line" keeps the person's place.


def test_add_a_line_focuses_the_new_lines_first_field_and_announces_it(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    page = page_of(rep_client.post(FORM, form_data(key, action="add_line")))
    new_field = re.search(r'<input[^>]*name="lines-2-member_name"[^>]*>', page).group(0)
    assert "autofocus" in new_field
    assert page.count("autofocus") == 1
    assert 'data-announce="Line 3 added."' in page
