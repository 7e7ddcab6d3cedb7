"""The embedded default (`make run`: SQLite, tasks in-process) under a double click (issue 16, item 7).

The real thing: the local settings on a fresh SQLite file, migrated and seeded as `make run` does, served by the
threaded development server in another process. The demo representative signs in (password, then the code from
the authenticator) and sends one filled complaint form three times at once. Every click must get the complaint's
page — no "database is locked" error page — and exactly one complaint must be filed.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import requests
from django.utils import timezone
from django_otp.oath import totp

from tests.plugins.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CLICKS = 3


def local_environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORTAL_PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def manage(environment: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def wait_until_served(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until the server answers (however long it takes to start); fails at once if it died."""
    while server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the development server stopped:\n" + log.read_text()[-3000:])


def form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def option_value(html: str, field: str, label: str) -> str:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    return re.search(rf'<option value="([^"]+)"[^>]*>[^<]*{label}', select).group(1)


def sign_in(web: requests.Session, base: str, email: str, password: str, secret: str) -> None:
    page = web.get(f"{base}/accounts/login/")
    data = {"csrfmiddlewaretoken": form_token(page.text), "username": email, "password": password}
    answer = web.post(f"{base}/accounts/login/", data=data, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/accounts/login/code/", answer.text[-2000:]
    page = web.get(f"{base}/accounts/login/code/")
    code = f"{totp(b32decode(secret), step=30, t0=0, digits=6):06d}"
    answer = web.post(f"{base}/accounts/login/code/", data={"csrfmiddlewaretoken": form_token(page.text), "code": code})
    assert answer.status_code == 200 and "/accounts/login/" not in answer.url, answer.text[-2000:]


def filled_form(html: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "csrfmiddlewaretoken": form_token(html),
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1),
        "mco": option_value(html, "mco", "Aetna"),
        "category": option_value(html, "category", "Claims and payment"),
        "subject": "Claims paid at the wrong rate",
        "description": "Twelve claims were paid at the wrong rate since July.",
        "mco_reference": "AET-2026-7781",
        "mco_filed_on": (today - timedelta(days=45)).isoformat(),
        "mco_responded": "no",
        "concerns_members": "no",
        "access_to_care": "no",
        "consent": "on",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "action": "submit",
    }


def complaints_in(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]


def test_three_clicks_on_send_at_once_on_the_embedded_default_file_one_complaint_and_show_it(tmp_path):
    environment = local_environment(tmp_path)
    manage(environment, "migrate", "--noinput")
    seeded = manage(environment, "seed_demo", "--no-statistics")
    account = re.search(r"role=representative email=(\S+) password=(\S+) totp=(\S+)", seeded)
    assert account, seeded[-2000:]
    email, password, secret = account.groups()

    port, log = free_port(), tmp_path / "server.log"
    server = subprocess.Popen(  # fixed arguments; threaded, as `make run` serves
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(server, port, log)
        web = requests.Session()
        sign_in(web, base, email, password, secret)
        page = web.get(f"{base}/complaints/new/")
        web.post(
            f"{base}/complaints/new/",
            data={"csrfmiddlewaretoken": form_token(page.text), "program": "mco", "filed_with_mco": "yes"},
        )
        page = web.get(f"{base}/complaints/new/complaint/")
        assert page.status_code == 200 and 'name="idempotency_key"' in page.text, page.text[-2000:]
        form = filled_form(page.text)
        before = complaints_in(tmp_path / "db.sqlite3")

        # Three clicks of "Send complaint": the same form, sent at the same moment from the same browser.
        barrier = threading.Barrier(CLICKS)
        answers: list[requests.Response | BaseException] = [None] * CLICKS  # type: ignore[list-item]

        def click(number: int) -> None:
            browser = requests.Session()
            browser.cookies.update(web.cookies)
            try:
                barrier.wait()
                answers[number] = browser.post(f"{base}/complaints/new/complaint/", data=form, allow_redirects=False)
            except BaseException as error:  # noqa: BLE001 - reported below with the others
                answers[number] = error

        clicks = [threading.Thread(target=click, args=(number,)) for number in range(CLICKS)]
        for thread in clicks:
            thread.start()
        for thread in clicks:
            thread.join()
        statuses = [getattr(answer, "status_code", answer) for answer in answers]
        assert statuses == [302] * CLICKS, f"{statuses}\n" + log.read_text()[-3000:]
        locations = {answer.headers["Location"] for answer in answers}
        assert len(locations) == 1, locations
        shown = web.get(base + locations.pop())  # the complaint's page, with its reference
        assert shown.status_code == 200 and re.search(r"MCO-\d{4}-\d{6}", shown.text), shown.text[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert complaints_in(tmp_path / "db.sqlite3") == before + 1

    # A connection made with the local settings: write-ahead log, so readers never block the one writer.
    mode = manage(
        environment,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c: c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert mode.strip() == "wal"


def test_events_and_the_audit_log_are_append_only_on_the_embedded_default_too(tmp_path):
    environment = local_environment(tmp_path)
    manage(environment, "migrate", "--noinput")
    database = sqlite3.connect(tmp_path / "db.sqlite3")  # foreign keys off: rows need no complaint or user here
    now = timezone.now().isoformat()
    database.execute(
        "INSERT INTO complaints_complaintevent (complaint_id, kind, from_status, to_status, note, "
        "shared_with_provider, created_at, request_id) VALUES (1, 'note', '', '', 'kept', 0, ?, '')",
        (now,),
    )
    database.execute(
        "INSERT INTO accounts_auditevent (action, object_type, object_id, request_id, created_at) "
        "VALUES ('complaint.viewed', 'complaints.complaint', '1', '', ?)",
        (now,),
    )
    database.commit()
    for table, column in (("complaints_complaintevent", "note"), ("accounts_auditevent", "action")):
        for change in (f"UPDATE {table} SET {column} = 'rewritten'", f"DELETE FROM {table}"):  # noqa: S608 - fixed names
            try:
                database.execute(change)
            except sqlite3.DatabaseError as refusal:
                assert "append-only" in str(refusal)
            else:
                raise AssertionError(f"{change} was allowed")
    assert database.execute("SELECT note FROM complaints_complaintevent").fetchall() == [("kept",)]
    assert database.execute("SELECT action FROM accounts_auditevent").fetchall() == [("complaint.viewed",)]
