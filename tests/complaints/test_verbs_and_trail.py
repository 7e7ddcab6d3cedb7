"""Whole verbs and one audit trail (issue 16, items 4 and 5).

Every public complaint service checks its actor's permission and does its whole job; a complaint's events say who,
from which address and in which request, and cannot be changed or deleted afterwards, like the audit log.
"""

import inspect

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client

from accounts import roles
from accounts.models import MCO, AuditEvent, MCOMembership
from accounts.services.organizations import organization_approve
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Complaint, ComplaintEvent
from tests.complaints.factories import asked, submit, triage_analyst
from tests.complaints.test_intake_views import answer_key_of
from tests.factories import ProviderOrganizationFactory, RepresentativeFactory, UserFactory
from tests.helpers import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
QUEUE = "/admin/complaints/complaint/"

# Values for the arguments a verb needs besides the complaint and the actor (valid ones, so only the actor differs).
ARGUMENTS = {
    "note": "A note.",
    "reason": "duplicate",
    "question": "Send the EOB.",
    "outcome_code": "paid",
    "outcome_text": "Paid.",
    "assignee_email": "triage@hfs.example",
    "to_email": "someone@provider.example",
    "expedited": True,
    "outcome": "pay",
    "text": "We will reprocess the claims.",
    "grant": True,
    "accept": True,
}


def complaint_verbs() -> list[str]:
    """Every public service that acts on a complaint for an actor, read from the services package itself."""
    verbs = []
    for name in services.__all__:
        function = getattr(services, name)
        if not callable(function) or name.startswith("_"):
            continue
        parameters = inspect.signature(function).parameters
        if "complaint" in parameters and "actor" in parameters:
            verbs.append(name)
    return verbs


def test_the_generated_list_of_verbs_is_complete():
    # If a verb were missed by the reading above, the permission test below would not cover it.
    assert set(complaint_verbs()) >= {
        "complaint_take",
        "complaint_close",
        "complaint_resolve",
        "complaint_forward_to_mco",
        "complaint_withdraw",
        "complaint_answer_info_request",
        "complaint_reopen",
    }


def test_there_is_no_public_verb_that_skips_permission_or_notices():
    assert not hasattr(services, "complaint_transition")
    assert not hasattr(services, "complaint_resolve_with_notice")


def outsiders():  # type: ignore[no-untyped-def]
    """People who must not act on another representative's complaint."""
    reporting = staff_user_create(
        email="numbers@hfs.example", full_name="Rae Porter", password=None, group_name=roles.REPORTING
    )
    return {
        "reporting staff": reporting,
        "another representative": RepresentativeFactory().user,
        "a signed-up user with no role": UserFactory(),
    }


@pytest.mark.parametrize("verb", complaint_verbs())
def test_every_complaint_verb_refuses_an_actor_without_permission_and_changes_nothing(verb):
    filer = RepresentativeFactory().user
    complaint = asked(submit(filer)) if verb == "complaint_answer_info_request" else submit(filer)
    function = getattr(services, verb)
    parameters = inspect.signature(function).parameters
    required = {
        name: ARGUMENTS[name]
        for name, parameter in parameters.items()
        if name not in ("complaint", "actor") and parameter.default is inspect.Parameter.empty
    }
    before = (complaint.status, ComplaintEvent.objects.count(), AuditEvent.objects.count())
    for who, actor in outsiders().items():
        audits = AuditEvent.objects.count()
        with pytest.raises(PermissionDenied):
            function(complaint=complaint, actor=actor, **required)
        complaint.refresh_from_db()
        assert (complaint.status, ComplaintEvent.objects.count()) == before[:2], who
        assert AuditEvent.objects.count() == audits, who


def test_a_representative_who_left_can_no_longer_withdraw_or_answer():
    from accounts.services.representatives import representative_revoke

    admin = RepresentativeFactory(is_org_admin=True)
    leaving = RepresentativeFactory(organization=admin.organization)
    complaint = asked(submit(leaving.user))
    representative_revoke(representative=leaving, actor=admin.user)
    with pytest.raises(PermissionDenied, match="no longer represent"):
        services.complaint_withdraw(complaint=complaint, actor=leaving.user)
    with pytest.raises(PermissionDenied, match="no longer represent"):
        services.complaint_answer_info_request(complaint=complaint, actor=leaving.user, note="Here it is.")
    complaint.refresh_from_db()
    assert complaint.status == "awaiting_provider"


def test_resolve_is_the_whole_verb_it_checks_the_outcome_code_and_tells_the_submitter(
    django_capture_on_commit_callbacks,
):
    filer = RepresentativeFactory().user
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=submit(filer), actor=staff)
    with pytest.raises(Exception, match="Choose the outcome"):
        services.complaint_resolve(complaint=complaint, actor=staff, outcome_code="made-up", outcome_text="x")
    complaint.refresh_from_db()
    assert complaint.status == "in_review"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_resolve(complaint=complaint, actor=staff, outcome_code="upheld", outcome_text="Upheld.")
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.outcome_code == Complaint.OutcomeCode.UPHELD
    assert [message.to for message in mail.outbox] == [[filer.email]]


def test_the_database_refuses_unknown_outcome_codes_and_resolved_without_one():
    complaint = submit(RepresentativeFactory().user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(outcome_code="made-up")
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status="resolved")


def test_the_outcome_choices_on_the_resolve_form_are_the_models():
    from complaints.admin_triage import ResolveForm

    assert ResolveForm().fields["outcome_code"].choices == Complaint.OutcomeCode.choices


def test_events_are_append_only_in_the_database():
    complaint = submit(RepresentativeFactory().user)
    event = complaint.events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).delete()
    assert complaint.events.get().note == event.note


@pytest.fixture
def staff_client(client):  # type: ignore[no-untyped-def]
    sign_in(client, triage_analyst())
    return client


def events_after(complaint: Complaint, before: int) -> list[ComplaintEvent]:
    return list(complaint.events.order_by("id")[before:])


# What each triage action posts besides the selection: every action of the queue must be here (checked below).
ACTION_DATA = {
    "take": {},
    "assign": {"assignee_email": "triage@hfs.example"},
    "expedite": {},
    "unexpedite": {},
    "forward": {},
    "mco_answer": {"note": "The MCO paid.", "outcome": "pay"},
    "extension_grant": {"note": "Fair."},
    "extension_refuse": {"note": "Not needed."},
    "send_back": {"note": "Look at claim 2 again."},
    "close_wrong_mco": {},
    "resolve": {"outcome_code": "paid", "outcome_text": "Paid."},
    "reopen": {"note": "The MCO took the payment back."},
    "request_info": {"question": "Send the remittance advice."},
    "close_other": {"reason": "duplicate", "note": "Filed twice."},
    "close_not_first": {},
    "transfer": {},  # filled in below: the colleague's address
}


def test_the_table_of_actions_covers_every_triage_action():
    from complaints.admin_triage import complaint_admin_actions

    names = {action.__name__ for action in complaint_admin_actions()} - {"export_csv"}
    assert names == set(ACTION_DATA)


def test_every_admin_action_records_the_address_and_request_id_on_its_events(client):
    from accounts.services.representatives import representative_revoke

    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = "complaints@molina.example"
    mco.save()
    triage_analyst()  # the colleague "assign" names
    supervisor = staff_user_create(
        email="sup@hfs.example", full_name="Sue Pervisor", password=None, group_name=roles.SUPERVISOR
    )
    sign_in(client, supervisor)
    admin = RepresentativeFactory(is_org_admin=True)
    leaving = RepresentativeFactory(organization=admin.organization)
    walked, premature, left_behind = (submit(leaving.user) for _ in range(3))
    representative_revoke(representative=leaving, actor=admin.user)
    data = {**ACTION_DATA, "transfer": {"to_email": admin.user.email}}
    # The MCO's part: complaints presented to the MCO (an extension asked for, an answer recorded) first.
    liaison = MCOMembership.objects.create(user=UserFactory(), mco=mco).user
    at_mco = {
        name: services.complaint_forward_to_mco(
            complaint=services.complaint_take(complaint=submit(admin.user), actor=supervisor), actor=supervisor
        )
        for name in ("extension_grant", "extension_refuse", "send_back", "close_wrong_mco")
    }
    for name in ("extension_grant", "extension_refuse"):
        services.extension_request(complaint=at_mco[name], actor=liaison, reason="The records are archived.")
    services.complaint_record_mco_answer(complaint=at_mco["send_back"], actor=supervisor, note="Paid.", outcome="pay")
    services.complaint_record_mco_answer(
        complaint=at_mco["close_wrong_mco"], actor=supervisor, note="Not our member.", outcome="misdirected"
    )
    singles = {"close_not_first": premature, "transfer": left_behind, **at_mco}
    plan = [(walked, name) for name in ACTION_DATA if name not in singles]
    plan += [(complaint, name) for name, complaint in singles.items()]
    assert {name for _, name in plan} == set(ACTION_DATA)
    for complaint, name in plan:
        before = complaint.events.count()
        response = client.post(QUEUE, {"action": name, "_selected_action": [complaint.pk], "apply": "1", **data[name]})
        written = events_after(complaint, before)
        assert written, (name, client.get(QUEUE).content.decode().count("messagelist"))
        for event in written:
            assert (event.ip_address, event.request_id) == ("127.0.0.1", response["X-Request-ID"]), name


def test_the_representatives_changes_record_the_address_and_request_id(client):
    representative = RepresentativeFactory()
    complaint = asked(submit(representative.user))
    sign_in(client, representative.user)
    key = answer_key_of(client, complaint)
    response = client.post(f"/complaints/{complaint.public_id}/answer/", {"note": "Attached.", "idempotency_key": key})
    answer = complaint.events.get(kind="provider_answered")
    assert (answer.ip_address, answer.request_id) == ("127.0.0.1", response["X-Request-ID"])
    response = client.post(f"/complaints/{complaint.public_id}/withdraw/", {"note": "Paid after all."})
    withdrawn = complaint.events.get(kind="withdrawn")
    assert (withdrawn.ip_address, withdrawn.request_id) == ("127.0.0.1", response["X-Request-ID"])
    audit = AuditEvent.objects.get(action="complaint.withdrawn")
    assert audit.request_id == response["X-Request-ID"]


def test_forwarding_to_an_mco_without_a_notice_address_warns_on_the_page(staff_client):
    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = ""
    mco.save()
    complaint = submit(RepresentativeFactory().user)
    staff_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    page = staff_client.post(QUEUE, {"action": "forward", "_selected_action": [complaint.pk]}, follow=True)
    text = page.content.decode()
    assert f"{complaint.reference}: {mco.name} has no notice address on file" in text
    assert "Send the MCO the notice another way today" in text


def test_forwarding_to_an_mco_whose_users_were_told_does_not_warn(staff_client):
    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = ""
    mco.save()
    MCOMembership.objects.create(mco=mco, user=UserFactory())
    complaint = submit(RepresentativeFactory().user)
    staff_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    page = staff_client.post(QUEUE, {"action": "forward", "_selected_action": [complaint.pk]}, follow=True)
    assert "has no notice address on file" not in page.content.decode()
    assert "Forwarded 1" in page.content.decode()


def test_organization_decisions_check_the_actor():
    organization = ProviderOrganizationFactory(status="pending")
    reporting = staff_user_create(email="r@hfs.example", full_name="R", password=None, group_name=roles.REPORTING)
    for actor in (reporting, RepresentativeFactory().user):
        with pytest.raises(PermissionDenied):
            organization_approve(organization=organization, actor=actor)
    organization.refresh_from_db()
    assert organization.status == "pending"
    organization_approve(organization=organization, actor=triage_analyst())
    organization.refresh_from_db()
    assert organization.status == "approved"


def test_the_staff_password_change_is_audited_and_ends_the_other_sessions():
    staff = triage_analyst()
    staff.set_password(PASSWORD)
    staff.save()
    here, elsewhere = sign_in(Client(), staff), sign_in(Client(), staff)
    response = here.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-phrase",
            "new_password2": "another-long-pass-phrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    audit = AuditEvent.objects.get(action="auth.password_changed")
    assert audit.actor == staff and audit.request_id == response["X-Request-ID"] and audit.ip_address == "127.0.0.1"
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302


def test_a_wrong_old_password_changes_nothing_and_records_nothing():
    staff = triage_analyst()
    staff.set_password(PASSWORD)
    staff.save()
    client = sign_in(Client(), staff)
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "another-long-pass-phrase",
            "new_password2": "another-long-pass-phrase",
        },
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_only_people_who_can_file_attach_files(private_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.models import Attachment
    from tests.helpers import PDF_BYTES

    filer = RepresentativeFactory().user
    complaint = asked(submit(filer))
    pending = RepresentativeFactory(organization__status="pending").user
    for who, user, target in [
        ("reporting staff", outsiders()["reporting staff"], None),
        ("a representative of an organization HFS has not approved", pending, None),
        ("another representative answering this complaint", RepresentativeFactory().user, complaint),
    ]:
        upload = SimpleUploadedFile("eob.pdf", PDF_BYTES, content_type="application/pdf")
        with pytest.raises(PermissionDenied):
            services.attachment_add_draft(
                user=user, draft_key=complaint.idempotency_key, upload=upload, complaint=target
            )
        assert not Attachment.objects.exists(), who


def test_a_refused_complaint_page_is_not_recorded_as_viewed(staff_client):
    complaint = submit(RepresentativeFactory().user)
    refused = staff_client.get(f"{QUEUE}{complaint.pk}/change/?_to_field=description&_popup=1")
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="admin.lookup_refused").exists()
    assert not AuditEvent.objects.filter(action="complaint.viewed").exists()
    assert staff_client.get(f"{QUEUE}{complaint.pk}/change/").status_code == 200
    assert AuditEvent.objects.filter(action="complaint.viewed", object_id=str(complaint.pk)).count() == 1
