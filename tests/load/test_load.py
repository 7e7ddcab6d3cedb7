"""Load run (issue 8): locust, headless, for a bounded time against gunicorn + PostgreSQL + Redis (+ ClamAV for the
attachments) on loopback — the public browsing the statistics, representatives reading and filing complaints with
a small PDF, staff working the queue. Every request must be answered as expected (no server error, nothing
refused), and every acknowledged filing must be a stored complaint — nothing more, nothing less.

Prints the throughput and p50/p95/p99 per request; run with -s to see them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts import roles
from accounts.models import MCO
from accounts.services.users import staff_user_create
from complaints.models import Attachment, Category, Complaint
from reporting.aggregates import month_of, quarter_of
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import server_process_environment, sign_in
from tests.plugins.services import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
USERS, SPAWN_RATE, RUN_TIME = 30, 10, "30s"  # within the bounds: at most 50 users, at most 60 s
FILING = "file a complaint (POST)"


def server_environment(tmp_path: Path) -> dict[str, str]:
    """The test database and the session's Redis and clamd, as a deployed server would have them."""
    # Acknowledgements are queued to the broker (Redis), as in production.
    return server_process_environment(PORTAL_PRIVATE_MEDIA_ROOT=str(tmp_path / "private-media"), PYTHONUNBUFFERED="1")


def prepare(tmp_path: Path) -> Path:
    """Representatives and staff signed in (sessions in the database), a complaint each, the statistics."""
    representatives = []
    for _ in range(10):
        user = RepresentativeFactory().user
        complaint = submit(user)
        representatives.append({"sessionid": session_of(user), "complaint": str(complaint.public_id)})
    staff = []
    for number in range(3):
        user = staff_user_create(
            email=f"analyst{number}@hfs.example", full_name="Ana Lyst", password=None, group_name=roles.TRIAGE_ANALYST
        )
        staff.append({"sessionid": session_of(user), "complaint": Complaint.objects.order_by("?").first().pk})
    snapshot = report_snapshot_refresh()
    setup = {
        "representatives": representatives,
        "staff": staff,
        "mco": str(MCO.objects.get(short_name="Aetna").pk),
        "category": str(Category.objects.get(code="claims-payment").pk),
        "quarter": quarter_of(month_of(snapshot.covers_to)),
    }
    path = tmp_path / "setup.json"
    path.write_text(json.dumps(setup))
    return path


def session_of(user) -> str:  # type: ignore[no-untyped-def]
    return sign_in(Client(), user).cookies["sessionid"].value


def percentile(times: dict[str, int], share: float) -> int:
    """The response time (ms, as locust rounds it) below which ``share`` of the requests were answered."""
    buckets = sorted((int(ms), count) for ms, count in times.items())
    wanted, seen = share * sum(count for _, count in buckets), 0
    for ms, count in buckets:
        seen += count
        if seen >= wanted:
            return ms
    return 0


def figures_of(entries: list[dict]) -> dict[str, dict[str, object]]:
    """Per request name and for all requests: count, failures, requests per second, p50/p95/p99 (ms)."""
    started = min(e["start_time"] for e in entries)
    ended = max(e["last_request_timestamp"] for e in entries)
    everything: dict[str, int] = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            everything[ms] = everything.get(ms, 0) + count
    rows = {e["name"]: (e["num_requests"], e["num_failures"], e["response_times"]) for e in entries}
    rows["all requests"] = (sum(r[0] for r in rows.values()), sum(r[1] for r in rows.values()), everything)
    return {
        name: {
            "requests": requests,
            "failures": failures,
            "per_second": round(requests / (ended - started), 1),
            "p50_ms": percentile(times, 0.50),
            "p95_ms": percentile(times, 0.95),
            "p99_ms": percentile(times, 0.99),
        }
        for name, (requests, failures, times) in rows.items()
    }


@pytest.mark.load
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_load_mixed_browsing_filing_and_staff_queue(tmp_path, record_property):
    setup = prepare(tmp_path)
    before = Complaint.objects.count()
    port = free_port()
    environment = server_environment(tmp_path)
    gunicorn = subprocess.Popen(  # fixed arguments
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--keep-alive", "30", "--log-level", "warning"],  # idle connections outlive the users' pauses
        cwd=ROOT, env=environment, stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115
    )  # fmt: skip
    try:
        wait_for_port(port)
        prefix = tmp_path / "load"
        run = subprocess.run(  # fixed arguments, loopback only
            [sys.executable, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile.py"), "--headless",
             "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", RUN_TIME,
             "--host", f"http://127.0.0.1:{port}", "--json-file", str(prefix), "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
             "--stop-timeout", "20"],  # at the end, users finish what they started: no filing cut off mid-way
            cwd=ROOT, env={**environment, "PORTAL_LOAD_SETUP": str(setup)}, capture_output=True, text=True,
            timeout=180,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    # The final figures, written when the run ends (the CSV is written along the way and may lag behind).
    figures = figures_of(json.loads(Path(f"{prefix}.json").read_text()))
    total, filing = figures["all requests"], figures[FILING]
    acknowledged = filing["requests"] - filing["failures"]
    stored = Complaint.objects.count() - before
    summary = {"users": USERS, **total, "filings_acknowledged": acknowledged, "complaints_stored": stored}
    record_property("load_run", summary)
    print(f"\nLoad run ({RUN_TIME}, {USERS} users, loopback): {summary}")
    print(f"{'request':45} {'count':>6} {'req/s':>6} {'p50':>5} {'p95':>5} {'p99':>5}  (ms)")
    for name, row in sorted(figures.items()):
        print(f"{name:45} {row['requests']:>6} {row['per_second']:>6} {row['p50_ms']:>5} {row['p95_ms']:>5} "
              f"{row['p99_ms']:>5}")  # fmt: skip
    failures = Path(f"{prefix}_failures.csv").read_text() + (tmp_path / "gunicorn.log").read_text()[-3000:]
    # No server error, nothing refused, every filing acknowledged.
    assert all(row["failures"] == 0 for row in figures.values()), failures
    # How many requests fit in the run is the machine's speed (printed above), not a property of the portal; what
    # must hold on any machine is that complaints were filed under load and each acknowledged one is stored.
    assert acknowledged > 0
    assert stored == acknowledged  # every acknowledged filing is stored, and nothing else
    # Each filing's PDF went through ClamAV and is kept with it.
    filed = Complaint.objects.order_by("-id")[:acknowledged]
    clean = Attachment.objects.filter(complaint__in=filed, scan_status=Attachment.ScanStatus.CLEAN).count()
    assert clean == acknowledged
