"""Notices of the MCO's part (issue 18 item 8, DESIGN §6.5, §11): to the MCO's users when a complaint is presented,
5 days before the answer is due and when it is overdue (each once per round); to the filer when the proposal
arrives; the staff digest; the wrong-MCO close. Only to the right addresses, and never with PHI."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import MCO, MCOMembership
from complaints import services
from complaints.models import Complaint
from complaints.tasks import send_mco_deadline_notices, send_staff_digest
from tests.complaints.factories import submit, triage_analyst
from tests.factories import RepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-Pat-Zebra-987654321"
PHI = (CANARY, "987654321", "Pat Example", "123456789", "MOL-555-0101")  # the member, the RIN, the MCO's reference


def member_of(mco: MCO, **extra) -> MCOMembership:  # type: ignore[no-untyped-def]
    return MCOMembership.objects.create(user=UserFactory(), mco=mco, **extra)


@pytest.fixture
def molina() -> MCO:
    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = "complaints@molina.example"
    mco.save()
    return mco


@pytest.fixture
def people(molina):  # type: ignore[no-untyped-def]
    """Molina's administrator and liaison; a removed liaison; another MCO's liaison; the assigned analyst."""
    removed = member_of(molina)
    MCOMembership.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    return {
        "admin": member_of(molina, is_mco_admin=True).user,
        "liaison": member_of(molina).user,
        "removed": removed.user,
        "elsewhere": member_of(MCO.objects.exclude(pk=molina.pk).first()).user,
        "analyst": triage_analyst(),
    }


def filed() -> Complaint:
    return submit(RepresentativeFactory().user, subject=f"About {CANARY}", description=f"Member {CANARY} refused.")


def forwarded(people) -> Complaint:  # type: ignore[no-untyped-def]
    complaint = services.complaint_take(complaint=filed(), actor=people["analyst"])
    return services.complaint_forward_to_mco(complaint=complaint, actor=people["analyst"])


def sent(capture, action):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with capture(execute=True):
        result = action()
    return result, list(mail.outbox)


def recipients(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(address for message in messages for address in message.to + message.cc + message.bcc)


def assert_no_phi(messages) -> None:  # type: ignore[no-untyped-def]
    assert messages
    for message in messages:
        text = message.subject + message.body + "".join(body for body, _ in message.alternatives)
        for canary in PHI:
            assert canary not in text, (message.subject, canary)


def test_presenting_tells_each_active_user_of_the_mco_and_its_notice_address(
    people, django_capture_on_commit_callbacks
):
    taken = services.complaint_take(complaint=filed(), actor=people["analyst"])
    complaint, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_forward_to_mco(complaint=taken, actor=people["analyst"]),
    )
    assert recipients(messages) == sorted([people["admin"].email, people["liaison"].email, "complaints@molina.example"])
    assert all(len(message.to) == 1 for message in messages)
    assert all(f"/mco/{complaint.public_id}/" in message.body for message in messages)
    assert complaint.representative_name in messages[0].body  # R5: the MCO is told who filed
    assert complaint.presented_at is not None and complaint.mco_round == 1
    assert_no_phi(messages)


def test_sending_it_back_tells_the_mco_again_as_a_new_round(people, django_capture_on_commit_callbacks):
    complaint = forwarded(people)
    liaison = people["liaison"]
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="upheld", text="Denied correctly.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    complaint, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_forward_to_mco(complaint=complaint, actor=people["analyst"]),
    )
    assert complaint.mco_round == 2 and len(messages) == 3
    assert all("back to you" in message.subject for message in messages)
    assert_no_phi(messages)


def test_an_mco_without_users_or_address_is_noted_for_staff(people):
    mco = MCO.objects.get(short_name="Molina")
    MCOMembership.objects.filter(mco=mco).update(removed_at=timezone.now())
    MCO.objects.filter(pk=mco.pk).update(notification_email="")
    complaint = forwarded(people)
    assert complaint.events.filter(note__startswith="The MCO has no notice address").exists()


def test_the_due_soon_and_overdue_reminders_go_once_per_round_to_the_mcos_users(
    people, django_capture_on_commit_callbacks
):
    complaint = forwarded(people)
    not_yet = forwarded(people)  # due in 30 days: nothing to say yet
    molina_users = sorted([people["admin"].email, people["liaison"].email])
    today = timezone.localdate()

    def run():  # type: ignore[no-untyped-def]
        return sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)

    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=today + timedelta(days=6))
    assert run() == (0, [])
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=today + timedelta(days=5))
    told, messages = run()
    assert told == 1 and recipients(messages) == molina_users
    assert all("due soon" in m.subject and complaint.reference in m.subject for m in messages)
    assert run() == (0, [])  # once
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=today)
    assert run() == (0, [])  # due today is not overdue
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=today - timedelta(days=1))
    told, messages = run()
    assert told == 1 and recipients(messages) == molina_users and all("overdue" in m.subject for m in messages)
    assert run() == (0, [])
    assert_no_phi(messages)
    not_yet.refresh_from_db()
    assert (not_yet.mco_due_soon_notice_round, not_yet.mco_overdue_notice_round) == (0, 0)

    # A new round is reminded again.
    liaison = people["liaison"]
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="upheld", text="Upheld.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=people["analyst"])
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=today + timedelta(days=2))
    told, messages = run()
    assert told == 1 and all("due soon" in m.subject for m in messages)


def test_an_overdue_complaint_never_reminded_gets_only_the_overdue_notice(people, django_capture_on_commit_callbacks):
    complaint = forwarded(people)
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=timezone.localdate() - timedelta(days=3))
    _, messages = sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)
    assert len(messages) == 2 and all("overdue" in m.subject for m in messages)
    _, messages = sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)
    assert messages == []


def test_a_granted_extension_gives_the_new_date_its_own_reminders(people, django_capture_on_commit_callbacks):
    complaint = forwarded(people)
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=timezone.localdate() + timedelta(days=3))
    sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)  # due soon, told
    services.extension_request(complaint=complaint, actor=people["liaison"], reason="Records.")
    services.extension_decide(complaint=complaint, actor=people["analyst"], grant=True)
    assert sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)[1] == []  # 33 days away
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=timezone.localdate() + timedelta(days=4))
    told, messages = sent(django_capture_on_commit_callbacks, send_mco_deadline_notices)
    assert told == 1 and len(messages) == 2


def test_answered_or_closed_complaints_get_no_reminder(people, django_capture_on_commit_callbacks):
    answered, closed = forwarded(people), forwarded(people)
    liaison = people["liaison"]
    services.proposal_save_draft(complaint=answered, actor=liaison, outcome="pay", text="Paid.")
    services.proposal_submit(complaint=answered, actor=liaison)
    services.complaint_close(complaint=closed, actor=people["analyst"], reason="duplicate")
    Complaint.objects.filter(pk__in=[answered.pk, closed.pk]).update(
        mco_answer_due=timezone.localdate() - timedelta(days=1)
    )
    assert sent(django_capture_on_commit_callbacks, send_mco_deadline_notices) == (0, [])


def test_the_proposal_reaches_only_the_filers_contact_address_and_the_assignee(
    people, django_capture_on_commit_callbacks
):
    complaint = forwarded(people)
    RepresentativeFactory(organization=complaint.organization, is_org_admin=True)  # never told (R6)
    liaison = people["liaison"]
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="pay", text=f"We pay {CANARY}.")
    _, messages = sent(
        django_capture_on_commit_callbacks, lambda: services.proposal_submit(complaint=complaint, actor=liaison)
    )
    assert recipients(messages) == sorted([complaint.contact_email, people["analyst"].email])
    to_filer = next(m for m in messages if m.to == [complaint.contact_email])
    assert "accept it or dispute it by" in to_filer.body
    assert_no_phi(messages)

    _, replied = sent(
        django_capture_on_commit_callbacks,
        lambda: services.proposal_reply(
            complaint=complaint, actor=complaint.submitted_by, accept=False, reason=f"{CANARY} is wrong."
        ),
    )
    assert recipients(replied) == [people["analyst"].email]
    assert f"/admin/complaints/complaint/{complaint.pk}/change/" in replied[0].body
    assert_no_phi(replied)


def test_the_extension_notices_carry_no_phi(people, django_capture_on_commit_callbacks):
    complaint = forwarded(people)
    filer = complaint.submitted_by
    _, asked = sent(
        django_capture_on_commit_callbacks,
        lambda: services.extension_request(complaint=complaint, actor=filer, reason=f"Records of {CANARY}."),
    )
    _, decided = sent(
        django_capture_on_commit_callbacks,
        lambda: services.extension_decide(
            complaint=complaint, actor=people["analyst"], grant=True, note=f"For {CANARY}."
        ),
    )
    assert recipients(asked) == [people["analyst"].email]
    # The filer asked; the MCO's date moved, so its users are told too.
    assert recipients(decided) == sorted([filer.email, people["admin"].email, people["liaison"].email])
    assert all("granted" in m.subject.lower() for m in decided)
    assert_no_phi(asked + decided)


def test_closing_as_filed_against_the_wrong_mco_offers_the_prefilled_file_another_link(
    people, django_capture_on_commit_callbacks
):
    complaint = forwarded(people)
    liaison = people["liaison"]
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="misdirected", text="Not our member.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    closed, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_close(complaint=complaint, actor=people["analyst"], reason="wrong_mco"),
    )
    assert closed.closure_reason == "wrong_mco" and closed.mco_id == complaint.mco_id
    assert recipients(messages) == [complaint.contact_email]
    link = f"/complaints/new/another/?from={complaint.public_id}"
    assert link in messages[0].body and link in messages[0].alternatives[0][0]
    assert "against the right MCO" in messages[0].body
    assert_no_phi(messages)
    _, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_close(complaint=filed(), actor=people["analyst"], reason="duplicate"),
    )
    assert "/complaints/new/another/" not in messages[0].body


def test_the_staff_digest_lists_overdue_mco_answers_as_waiting_for_the_mco(people, django_capture_on_commit_callbacks):
    at_mco = forwarded(people)
    Complaint.objects.filter(pk=at_mco.pk).update(mco_answer_due=timezone.localdate() - timedelta(days=2))
    at_hfs = filed()
    Complaint.objects.filter(pk=at_hfs.pk).update(first_response_due=timezone.localdate() - timedelta(days=1))
    _, messages = sent(django_capture_on_commit_callbacks, send_staff_digest)
    (message,) = messages
    assert message.to == [people["analyst"].email] and "2 complaint(s) overdue" in message.subject
    overdue_part = message.body.split("Due today or tomorrow")[0]
    lines = {line.split(",")[0].lstrip("- "): line for line in overdue_part.splitlines() if line.startswith("- ")}
    assert "(waiting for the MCO)" in lines[at_mco.reference]
    assert "waiting for the MCO" not in lines[at_hfs.reference]
    assert "waiting for the MCO" in message.alternatives[0][0]
    assert_no_phi([message])


@pytest.mark.parametrize("who", ["hfs", "provider"])
def test_the_mcos_users_hear_when_a_complaint_waiting_for_their_answer_is_closed(
    people, who, django_capture_on_commit_callbacks
):
    complaint = forwarded(people)
    if who == "hfs":
        close = lambda: services.complaint_close(complaint=complaint, actor=people["analyst"], reason="duplicate")  # noqa: E731
    else:
        close = lambda: services.complaint_withdraw(complaint=complaint, actor=complaint.submitted_by)  # noqa: E731
    _, messages = sent(django_capture_on_commit_callbacks, close)
    told_mco = [m for m in messages if "no longer needs your answer" in m.subject]
    assert recipients(told_mco) == sorted([people["admin"].email, people["liaison"].email])
    assert f"/mco/{complaint.public_id}/" in told_mco[0].body
    assert_no_phi(messages)


def test_closing_a_complaint_the_mco_never_had_tells_the_mco_nothing(people, django_capture_on_commit_callbacks):
    complaint = services.complaint_take(complaint=filed(), actor=people["analyst"])
    _, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_close(complaint=complaint, actor=people["analyst"], reason="duplicate"),
    )
    assert recipients(messages) == [complaint.contact_email]
