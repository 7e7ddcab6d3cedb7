"""Fault drill (issue 8): PostgreSQL is restarted while a representative files complaints. Filings during the
restart may get the error page (nothing acknowledged, nothing half-stored); every acknowledged filing is there."""

import threading
import time
import uuid

import pytest
from django.db import close_old_connections, connection

from complaints.form_keys import complaint_key
from complaints.models import Complaint
from tests.complaints.test_intake_views import form_data, key_of, screened
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_postgres_restarted_while_complaints_are_filed(client, postgres_session_server, record_property):
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.raise_request_exception = False  # a request that fails gets the error page, as a person would
    data = form_data(str(uuid.uuid4()))
    acknowledged: list[str] = []
    errors = 0

    def file_one() -> None:
        nonlocal errors
        # A real server does this around every request; the test client turns it off to keep its transaction.
        close_old_connections()
        try:
            screened(client)
            key = key_of(client.get("/complaints/new/complaint/"))
            response = client.post("/complaints/new/complaint/", {**data, "idempotency_key": key})
        except Exception:  # noqa: BLE001 - the database went away mid-step: not acknowledged
            errors += 1
            connection.close()  # a broken connection is dropped (Django does so once errors occurred)
            return
        if response.status_code == 302 and "/submitted/" in response["Location"]:
            acknowledged.append(key)
        else:
            errors += 1
            connection.close()

    for _ in range(10):
        file_one()
    restart = threading.Thread(target=postgres_session_server.restart)
    started = time.monotonic()
    restart.start()
    while restart.is_alive() or time.monotonic() - started < 3:
        file_one()
    restart.join()
    for _ in range(10):
        file_one()
    connection.close()  # this thread's own connection died with the restart too
    # The form hands out its key signed for the person (complaints/form_keys.py): the key itself is inside.
    keys = [complaint_key(value, user_pk=representative.user.pk) for value in acknowledged]
    assert None not in keys
    stored = Complaint.objects.filter(idempotency_key__in=keys).count()
    figures = {"acknowledged": len(acknowledged), "stored": stored, "refused_during_restart": errors}
    record_property("drill_postgres_restart", figures)
    print(f"\nDrill, PostgreSQL restarted: {figures}")
    assert len(acknowledged) >= 20 and stored == len(acknowledged)
    assert Complaint.objects.count() == stored  # nothing stored that was not acknowledged
