"""`make bench`: throughput and latency of the main pages at 100,000 complaints (DESIGN §10; figures, not tests).

PostgreSQL and Redis are started on loopback in temp dirs (the same helpers the tests use), the database is
migrated and seeded in bulk, gunicorn serves the portal, and a threaded HTTP client measures each page against
`/healthz` — the same stack doing no work. Results go to bench/results.md and bench/results.json.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.plugins.services import (  # noqa: E402
    PostgresServer,
    RedisServer,
    find_executable,
    free_port,
    wait_for_port,
)


def environment(pg: PostgresServer, redis: RedisServer) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": pg.url,
        "REDIS_URL": redis.url,
        "DJANGO_DEBUG": "False",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(count: int) -> dict[str, object]:
    """Migrate, seed demo accounts and `count` bulk complaints, refresh the statistics; return what the client needs."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.demo_complaints import seed_bulk
    from accounts.models import User
    from complaints.models import MCO, Category, Complaint
    from tests.helpers import sign_in

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", "--no-statistics", stdout=open(os.devnull, "w"))  # noqa: SIM115
    staff = User.objects.get(email="analyst@hfs.demo.example")
    seed_bulk(staff=staff, count=count)
    call_command("refresh_reports", "--again", stdout=open(os.devnull, "w"))  # noqa: SIM115 (seed_demo published one)
    seeded = time.perf_counter() - started

    def session(email: str) -> str:
        client = sign_in(Client(), User.objects.get(email=email))
        return client.cookies["sessionid"].value

    rep = User.objects.get(email="rep@prairie-health.demo.example")
    mine = Complaint.objects.filter(submitted_by=rep).order_by("-submitted_at").first()
    any_complaint = Complaint.objects.order_by("-submitted_at").first()
    return {
        "complaints": Complaint.objects.count(),
        "seconds_to_seed": round(seeded, 1),
        "rep_session": session(rep.email),
        "staff_session": session(staff.email),
        "mine": str(mine.public_id),
        "rep_pk": rep.pk,
        "staff_complaint": any_complaint.pk,
        "mco": MCO.objects.get(short_name="Molina").pk,
        "category": Category.objects.get(code="claim-denial").pk,
    }


class Target:
    def __init__(self, name: str, path: str, cookie: str = "", post: dict[str, str] | None = None) -> None:
        self.name, self.path, self.cookie, self.post = name, path, cookie, post


def _form_key(post: dict[str, str]) -> str:
    """A fresh form key signed for the representative, as the form's page hands it out (complaints/form_keys.py)."""
    from complaints.form_keys import complaint_token

    return complaint_token(key=uuid.uuid4(), user_pk=int(post["_rep_pk"]))


def one_request(port: int, target: Target, connection: http.client.HTTPConnection | None, csrf: str) -> tuple:
    headers = {"Host": "127.0.0.1", "Cookie": target.cookie}
    body = None
    method = "GET"
    if target.post is not None:
        method = "POST"
        fields = {name: value for name, value in target.post.items() if not name.startswith("_")}
        form = {**fields, "idempotency_key": _form_key(target.post), "csrfmiddlewaretoken": csrf}
        body = "&".join(f"{k}={quote_plus(v, safe='+')}" for k, v in form.items())
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request(method, target.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    return connection, response.status, elapsed


def measure(port: int, target: Target, *, requests: int, concurrency: int, csrf: str = "") -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        connection = None
        for _ in range(3):  # warm-up
            connection, _, _ = one_request(port, target, connection, csrf)
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            connection, status, elapsed = one_request(port, target, connection, csrf)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "page": target.name,
        "path": re.sub(r"[0-9a-f-]{36}|/\d+/", "/…/", target.path),
        "requests": len(latencies),
        "statuses": statuses,
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
    }


def peak_rss_mb(master_pid: int) -> float:
    """The highest peak resident memory (VmHWM) among the gunicorn workers."""
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    pg, redis = PostgresServer(), RedisServer()
    gunicorn = None
    try:
        pg.start()
        createdb = find_executable("createdb", ("/usr/lib/postgresql/*/bin/createdb",))
        subprocess.run([createdb, "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user, "portal"], check=True)  # noqa: S603
        redis.start()
        os.environ.update(environment(pg, redis))
        print(f"Seeding {args.complaints:,} complaints into PostgreSQL…", flush=True)
        ready = prepare(args.complaints)
        port = free_port()
        gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=environment(pg, redis),
        )  # fmt: skip
        wait_for_port(port)
        rep = f"sessionid={ready['rep_session']}"
        staff = f"sessionid={ready['staff_session']}"
        csrf = uuid.uuid4().hex + uuid.uuid4().hex  # any 32+ letters: the cookie and the form carry the same one
        rep_post = f"{rep}; csrftoken={csrf[:32]}"
        filed = time.time() - 40 * 86400
        filed_on = time.strftime("%Y-%m-%d", time.localtime(filed))
        form = {
            "action": "submit", "mco": str(ready["mco"]), "category": str(ready["category"]),
            "subject": "Benchmark+complaint", "description": "Claims+denied+for+a+benchmark.",
            "mco_reference": "BENCH-1", "mco_filed_on": filed_on, "mco_responded": "no", "access_to_care": "no",
            "concerns_members": "no", "consent": "on", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200", "_rep_pk": str(ready["rep_pk"]),
        }  # fmt: skip
        # The filing form needs the screening answers in the session first.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request(
            "POST", "/complaints/new/", body="program=mco&filed_with_mco=yes&csrfmiddlewaretoken=" + csrf[:32],
            headers={"Cookie": rep_post, "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
                     "Referer": f"http://127.0.0.1:{port}/"},
        )  # fmt: skip
        if connection.getresponse().status != 302:
            raise RuntimeError("The screening step did not pass; the filing benchmark cannot run.")
        targets = [
            Target("/healthz (baseline)", "/healthz"),
            Target("Home", "/"),
            Target("Public statistics", "/reports/"),
            Target("Statistics JSON", "/reports/data.json"),
            Target("Representative: my complaints", "/complaints/", rep),
            Target("Representative: a complaint", f"/complaints/{ready['mine']}/", rep),
            Target("Staff queue", "/admin/complaints/complaint/", staff),
            Target(
                "Staff queue, filtered", "/admin/complaints/complaint/?status__exact=submitted&mco__id__exact=1", staff
            ),
            Target("Staff: a complaint", f"/admin/complaints/complaint/{ready['staff_complaint']}/change/", staff),
            Target("File a complaint (POST)", "/complaints/new/complaint/", rep_post, post=form),
        ]
        from complaints.models import Complaint

        rows = []
        for target in targets:
            print(f"  {target.name}…", flush=True)
            before = Complaint.objects.count()
            rows.append(measure(port, target, requests=args.requests, concurrency=args.concurrency, csrf=csrf[:32]))
            if target.post is not None:  # every acknowledged submission (302 to its confirmation) is a stored row
                stored = Complaint.objects.count() - before
                acknowledged = rows[-1]["statuses"].get(302, 0) + 3 * args.concurrency  # with the warm-up ones
                rows[-1]["stored"] = stored
                if stored != acknowledged:
                    raise RuntimeError(f"{acknowledged} submissions acknowledged but {stored} stored")
        baseline = rows[0]["throughput"]
        for row in rows:
            row["ratio"] = round(row["throughput"] / baseline, 3) if baseline else None
        result = {
            "complaints": ready["complaints"],
            "seconds_to_seed": ready["seconds_to_seed"],
            "gunicorn_workers": args.workers,
            "concurrency": args.concurrency,
            "peak_worker_rss_mb": peak_rss_mb(gunicorn.pid),
            "cpu": os.cpu_count(),
            "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
            "pages": rows,
        }
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        redis.remove()
        pg.stop()
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    table = render(result)
    (ROOT / "bench" / "results.md").write_text(table)
    print(table)
    bad = [row["page"] for row in result["pages"] if any(code >= 500 for code in row["statuses"])]
    if bad:
        print("Server errors on:", ", ".join(bad))
        return 1
    return 0


def render(result: dict) -> str:
    lines = [
        f"Measured {result['measured_at']}: {result['complaints']:,} complaints in PostgreSQL, gunicorn with "
        f"{result['gunicorn_workers']} workers, {result['concurrency']} concurrent clients, {result['cpu']} CPUs, "
        f"loopback. Peak memory of a web worker: {result['peak_worker_rss_mb']} MB.",
        "",
        "| page | requests/s | vs. baseline | p50 ms | p95 ms | answers |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in result["pages"]:
        answers = ", ".join(f"{count} x {status}" for status, count in sorted(row["statuses"].items()))
        lines.append(
            f"| {row['page']} | {row['throughput']} | {row['ratio']} | {row['p50_ms']} | {row['p95_ms']} | {answers} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
