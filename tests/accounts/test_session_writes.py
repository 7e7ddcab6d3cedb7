"""Issue 17 item 4: a signed-in request writes the session only when its data changes or at most once a minute, and
every limit still holds: the idle limit (never before the 15 minutes a page counts, at most a minute after them),
the 12-hour limit, and ending a user's sessions at once (the rule is in accounts/sessions.py)."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.auth import LOGIN_AT_KEY
from accounts.models import AuditEvent
from accounts.services.representatives import representative_revoke
from accounts.services.users import user_end_sessions, user_set_password
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
PAGE = "/accounts/"
IDLE = timedelta(seconds=15 * 60)
SLACK = timedelta(seconds=60)


@pytest.fixture
def start():  # type: ignore[no-untyped-def]
    """A frozen moment to start from; each step travels from it."""
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def rep(start):  # type: ignore[no-untyped-def]
    return RepresentativeFactory(is_org_admin=True)


def signed_in(client, rep):  # type: ignore[no-untyped-def]
    """Signed in (password, code and terms) at the frozen start: the session row is written then."""
    return sign_in(client, rep.user)


def store(key: str):  # type: ignore[no-untyped-def]
    """The configured session store (SESSION_ENGINE) for ``key``, as SessionMiddleware makes it."""
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def row(client) -> Session:  # type: ignore[no-untyped-def]
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def get(client, url: str = PAGE):  # type: ignore[no-untyped-def]
    """GET ``url``; returns the response and the statements that wrote the session row."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    writes = [q["sql"] for q in captured if re.match(r'\s*(UPDATE|INSERT INTO) "django_session"', q["sql"])]
    return response, writes


def signed_out(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_request_within_the_minute_does_not_write_the_session(client, rep, start):
    signed_in(client, rep)
    written = row(client).expire_date
    for seconds in (1, 30, 59):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            response, writes = get(client)
        assert response.status_code == 200
        assert writes == []
    assert row(client).expire_date == written


def test_a_request_a_minute_after_the_last_write_moves_only_the_end_on(client, rep, start):
    signed_in(client, rep)
    data = row(client).session_data
    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        response, writes = get(client)
    assert response.status_code == 200
    assert len(writes) == 1 and '"session_data"' not in writes[0]  # the end, not the data read earlier
    assert row(client).expire_date == later + IDLE
    assert row(client).session_data == data
    # And again only a minute after that write.
    with time_machine.travel(later + timedelta(seconds=59), tick=False):
        assert get(client)[1] == []
    with time_machine.travel(later + timedelta(seconds=61), tick=False):
        assert len(get(client)[1]) == 1


def test_a_change_to_the_sessions_data_is_written_at_once(client, rep, start):
    signed_in(client, rep)
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        response = client.post("/complaints/new/", {"program": "mco", "filed_with_mco": "yes"})  # the screening
    assert response.status_code == 302
    assert "complaints.screened_at" in store(row(client).session_key).load()


@pytest.mark.parametrize("offset", [0, 1, 30, 59, 60, 61, 119])
def test_the_page_counts_exactly_what_is_left_of_the_session_and_never_more_than_15_minutes(client, rep, start, offset):
    """Whenever a page is served, it counts down the row's life left (so it never says "signed out" while the
    session still works, nor the other way round), and that is never more than 15 minutes (a hard bound)."""
    signed_in(client, rep)
    moment = start + timedelta(seconds=offset)
    with time_machine.travel(moment, tick=False):
        response, _ = get(client)
    counted = int(re.search(r'data-session-seconds="(\d+)"', response.content.decode()).group(1))
    assert IDLE.total_seconds() - SLACK.total_seconds() <= counted <= IDLE.total_seconds()
    assert row(client).expire_date == moment + timedelta(seconds=counted)
    with time_machine.travel(moment + timedelta(seconds=counted - 1), tick=False):
        assert get(client)[0].status_code == 200  # the page's last second: still signed in


@pytest.mark.parametrize("offset", [0, 30, 59, 61])
def test_idle_for_15_minutes_signs_out_whatever_the_last_write(client, rep, start, offset):
    """Reviewed: the row once lived 16 minutes from a write, so a session outlived the page that said it had
    ended. 15 minutes after the last request is a hard bound."""
    signed_in(client, rep)
    last_request = start + timedelta(seconds=offset)
    with time_machine.travel(last_request, tick=False):
        assert get(client)[0].status_code == 200
    with time_machine.travel(last_request + IDLE + timedelta(seconds=1), tick=False):
        assert signed_out(get(client)[0])
    assert not Session.objects.filter(expire_date__gt=last_request + IDLE).exists()


def test_stay_signed_in_moves_the_end_on_even_within_the_minute(client, rep, start):
    signed_in(client, rep)
    moment = start + timedelta(seconds=20)
    with time_machine.travel(moment, tick=False):
        response = client.post("/accounts/session/keep-alive/")
    assert response.status_code == 204
    assert row(client).expire_date == moment + IDLE


def test_twelve_hours_is_the_limit_even_while_the_row_is_fresh(client, rep, start):
    signed_in(client, rep)
    session = client.session
    session[LOGIN_AT_KEY] = start.timestamp() - 12 * 60 * 60 + 20  # signed in 11 h 59 min 40 s ago
    session.save()
    assert get(client)[0].status_code == 200
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert row(client).expire_date > timezone.now()  # the idle limit would still allow it
        assert signed_out(get(client)[0])
    assert AuditEvent.objects.filter(actor=rep.user, action="auth.session_expired").exists()


def _remove(rep) -> None:  # type: ignore[no-untyped-def]
    admin = RepresentativeFactory(organization=rep.organization, is_org_admin=True)
    representative_revoke(representative=rep, actor=admin.user)


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(_remove, id="removed from the organization"),
        pytest.param(lambda rep: user_end_sessions(user=rep.user), id="sessions ended"),
        pytest.param(lambda rep: user_set_password(user=rep.user, password="another-long-password-9"), id="password"),
        pytest.param(lambda rep: type(rep.user).objects.filter(pk=rep.user.pk).update(is_active=False), id="inactive"),
    ],
)
def test_ending_a_users_sessions_acts_at_once_within_the_minute(client, rep, start, end):
    signed_in(client, rep)
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert get(client)[1] == []  # the row is not written again: nothing on it changes below
        end(rep)
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        assert signed_out(get(client)[0])


def test_moving_the_end_on_keeps_what_another_request_wrote_meanwhile(client, rep, start):
    """Two tabs: one request reads the session, another changes it, then the first one's response moves the idle
    limit on. The change stays (a full write-back would undo it)."""
    signed_in(client, rep)
    key = row(client).session_key
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        reading = store(key)
        assert reading.get(LOGIN_AT_KEY)
        changing = store(key)
        changing["complaints.screened_at"] = 1.0
        changing.save()
        assert reading.modified  # what SessionMiddleware asks: the idle limit is due to move on
        reading.save()
    assert store(key).load()["complaints.screened_at"] == 1.0


def test_a_deactivated_persons_session_ends_for_good_and_does_not_return_with_the_account(client, rep, start):
    """Found from outside: a deactivated person's session stayed on the server (renewed by each request) and let
    them straight back in, second factor passed, when the account was switched back on."""
    signed_in(client, rep)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    type(rep.user).objects.filter(pk=rep.user.pk).update(is_active=False)
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert signed_out(get(client)[0])
        assert not Session.objects.filter(session_key=key).exists()
    type(rep.user).objects.filter(pk=rep.user.pk).update(is_active=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    with time_machine.travel(start + timedelta(seconds=100), tick=False):
        assert signed_out(get(client)[0])
