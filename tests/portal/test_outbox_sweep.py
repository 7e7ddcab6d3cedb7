"""The outbox sweeper after an outage: every email that waited is queued in one sweep, however many, and sent once.

Tasks run in-process here (eager), so each queued email is delivered while the sweep is still walking the rows.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal import outbox
from portal.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def waiting_emails(count: int) -> list[str]:
    """``count`` verification emails left pending by an outage an hour ago, each to its own person."""
    users = UserFactory.create_batch(count, email_verified_at=None)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(kind="accounts.verify_email", object_id=str(user.pk), to_email=user.email, created_at=an_hour_ago)
        for user in users
    )
    return sorted(user.email for user in users)


def test_one_sweep_queues_more_emails_than_one_batch_and_each_is_sent_once():
    addresses = waiting_emails(outbox.SWEEP_BATCH_SIZE + 1)  # the issue: 521 waited, a sweep took 500
    assert outbox.sweep() == len(addresses)
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
    assert sorted(address for message in mail.outbox for address in message.to) == addresses
    assert outbox.sweep() == 0


def test_rows_sent_while_the_sweep_walks_do_not_make_it_skip_any(monkeypatch):
    # Each batch is delivered before the next is read: the next batch must not be shifted by the rows now sent.
    monkeypatch.setattr(outbox, "SWEEP_BATCH_SIZE", 3)
    addresses = waiting_emails(8)
    assert outbox.sweep() == 8
    assert sorted(address for message in mail.outbox for address in message.to) == addresses
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(OutboundEmail.Status.SENT, 1)}


def test_emails_filed_after_the_sweep_began_are_left_to_their_own_delivery():
    addresses = waiting_emails(2)
    fresh = UserFactory(email_verified_at=None)
    OutboundEmail.objects.create(kind="accounts.verify_email", object_id=str(fresh.pk), to_email=fresh.email)
    assert outbox.sweep() == 2  # the fresh row is younger than the retries' longest wait
    assert sorted(address for message in mail.outbox for address in message.to) == addresses
    assert OutboundEmail.objects.get(to_email=fresh.email).status == OutboundEmail.Status.PENDING


def test_a_failed_delivery_is_retried_after_doubling_waits_of_at_most_ten_minutes(settings):
    assert [outbox.retry_delay(n) for n in range(outbox.MAX_ATTEMPTS)] == [30, 60, 120, 240, 480, 600, 600, 600]
    assert outbox.RETRY_MAX_SECONDS < 900  # the sweep's default wait: it never re-queues a row still being retried
    settings.PORTAL_EMAIL_RETRY_SECONDS = 2
    assert [outbox.retry_delay(n) for n in range(4)] == [2, 4, 8, 16]
