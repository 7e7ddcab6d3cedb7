"""`make bench` and `make bench-scale`: throughput and latency of the main pages at any size (DESIGN §10; figures,
not tests).

PostgreSQL and Redis are started on loopback in temp dirs (the same helpers the tests use), the database is migrated
and seeded in bulk (bench/seed.py: INSERT … SELECT generate_series, not ORM objects), gunicorn serves the portal
(2 sync workers) and a threaded HTTP client (8 connections) measures each page against `/healthz` — the same stack
doing no work. Each page runs for at least a few seconds and a minimum number of requests.

    python bench/run.py --complaints 100000       # every page at one size: bench/results.md and results.json
    python bench/run.py --scale 10000,100000,1000000   # the lists at growing sizes: bench/scale.md and scale.json

The scale run keeps one database and seeds up (appends) between sizes, with VACUUM ANALYZE after each seeding.
/healthz is measured again just before each page, so a ratio compares two measurements under the same load.
"""

import argparse
import http.client
import io
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
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

# Issue 17's goals, as a share of /healthz's throughput in the same run.
LIST_GOAL = 0.02
SCALE_TOLERANCE = 0.25


def environment(pg: PostgresServer, redis: RedisServer) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": pg.url,
        "REDIS_URL": redis.url,
        "DJANGO_DEBUG": "False",
        # Database connections kept between requests, as production does (portal/settings/production.py).
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


class Stack:
    """PostgreSQL, Redis and (once started) gunicorn, stopped together."""

    def __init__(self, workers: int) -> None:
        self.pg, self.redis, self.workers = PostgresServer(), RedisServer(), workers
        self.gunicorn: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> "Stack":
        self.pg.start()
        createdb = find_executable("createdb", ("/usr/lib/postgresql/*/bin/createdb",))
        subprocess.run(  # noqa: S603 - fixed arguments
            [createdb, "-h", "127.0.0.1", "-p", str(self.pg.port), "-U", self.pg.user, "portal"], check=True
        )
        self.redis.start()
        os.environ.update(environment(self.pg, self.redis))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        # Demo accounts (the representative, the analyst) and their ~40 complaints filed through the services.
        call_command("seed_demo", "--no-statistics", stdout=io.StringIO())
        return self

    def serve(self) -> int:
        self.port = free_port()
        self.gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(self.workers), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=environment(self.pg, self.redis),
        )  # fmt: skip
        wait_for_port(self.port)
        return self.port

    def __exit__(self, *exc: object) -> None:
        if self.gunicorn:
            self.gunicorn.send_signal(signal.SIGTERM)
            self.gunicorn.wait(timeout=30)
        self.redis.remove()
        self.pg.stop()

    def postgres_peak_mb(self) -> float:
        """The highest peak resident memory (VmHWM) of a PostgreSQL process (shared buffers it touched included)."""
        postmaster = int((self.pg.data / "postmaster.pid").read_text().split()[0])
        return _peak_mb([postmaster, *_children(postmaster)])

    def server_pids(self) -> list[int]:
        postmaster = int((self.pg.data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *([self.gunicorn.pid] if self.gunicorn else [])]

    def worker_peak_mb(self) -> float:
        return _peak_mb(_children(self.gunicorn.pid)) if self.gunicorn else 0.0


def _cpu_ticks(pid: int, *, with_children: bool) -> int:
    """utime + stime (and, for a parent, the finished children's cutime + cstime) of one process, in clock ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # ended meanwhile: a parent's cutime keeps what it used
        return 0
    fields = stat[stat.rindex(")") + 2 :].split()
    return sum(int(value) for value in fields[11 : 15 if with_children else 13])


def server_cpu_seconds(parents: list[int]) -> float:
    """CPU time used so far by the server side (gunicorn's workers, PostgreSQL's backends): each parent with its
    finished children, plus its live children. Differences between two readings are what the requests cost, however
    busy the machine is with other work."""
    ticks = 0
    for parent in parents:
        ticks += _cpu_ticks(parent, with_children=True)
        try:
            children = _children(parent)
        except OSError:
            children = []
        ticks += sum(_cpu_ticks(child, with_children=False) for child in children)
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _peak_mb(pids: list[int]) -> float:
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # ended meanwhile
            continue
        found = re.search(r"VmHWM:\s+(\d+)", status)
        if found:
            peaks.append(int(found.group(1)) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def seed_to(total: int) -> dict[str, object]:
    """Add bulk complaints until there are ``total``; returns the seeder's figures and this process's peak memory."""
    from bench.seed import seed_complaints
    from complaints.models import Complaint

    missing = max(0, total - Complaint.objects.count())
    print(f"Seeding {missing:,} complaints (to {total:,}) into PostgreSQL…", flush=True)
    made = seed_complaints(missing) if missing else {"seconds": 0.0}
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does soon after: visibility map, statistics
        cursor.execute("VACUUM (ANALYZE)")
    made["python_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"  seeded in {made['seconds']} s", flush=True)
    return made


class Sessions:
    """Signed-in cookies for the demo representative, the bench's billing agent, the demo analyst and the demo
    Meridian liaison."""

    def __init__(self) -> None:
        from django.test import Client

        from accounts.models import User
        from bench.seed import BILLING_AGENT_EMAIL
        from tests.helpers import sign_in

        def cookie(email: str) -> str:
            client = sign_in(Client(), User.objects.get(email=email))
            return f"sessionid={client.cookies['sessionid'].value}"

        self.rep_user = User.objects.get(email="rep@prairie-health.demo.example")
        self.rep = cookie(self.rep_user.email)
        self.agent = cookie(BILLING_AGENT_EMAIL)
        self.staff = cookie("analyst@hfs.demo.example")
        self.liaison_user = User.objects.get(email="liaison@meridian.demo.example")
        self.liaison = cookie(self.liaison_user.email)


class Target:
    def __init__(
        self,
        name: str,
        path: str,
        cookie: str = "",
        *,
        post: dict[str, str] | None = None,
        goal: float | None = None,
        expect: int = 200,
    ) -> None:
        self.name, self.path, self.cookie, self.post, self.goal, self.expect = name, path, cookie, post, goal, expect


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
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request(method, target.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    return connection, response.status, elapsed


def measure(
    port: int,
    target: Target,
    *,
    seconds: float,
    min_requests: int,
    concurrency: int,
    csrf: str = "",
    server: list[int] | None = None,
) -> dict[str, object]:
    """Run ``concurrency`` connections at the page until both ``seconds`` and ``min_requests`` are reached."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    warmed = threading.Barrier(concurrency + 1)
    clock = {"start": 0.0}

    def worker() -> None:
        connection = None
        for _ in range(2):  # warm-up: connections, worker caches
            connection, _, _ = one_request(port, target, connection, csrf)
        warmed.wait()
        while True:
            with lock:
                if time.perf_counter() - clock["start"] >= seconds and len(latencies) >= min_requests:
                    return
            connection, status, elapsed = one_request(port, target, connection, csrf)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    warmed.wait()
    cpu_before = server_cpu_seconds(server or [])
    clock["start"] = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - clock["start"]
    cpu = server_cpu_seconds(server or []) - cpu_before
    latencies.sort()
    return {
        "page": target.name,
        "path": re.sub(r"[0-9a-f-]{36}|/\d+/", "/…/", target.path),
        "requests": len(latencies),
        "seconds": round(elapsed, 1),
        "statuses": statuses,
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "server_cpu_ms": round(1000 * cpu / len(latencies), 2) if server else None,
        "goal": target.goal,
        "expect": target.expect,
    }


def measure_against_healthz(
    port: int, target: Target, args: argparse.Namespace, server: list[int], csrf: str = ""
) -> dict[str, object]:
    """The page, and /healthz just before it: the ratio compares the two under the same load on the machine.

    Also the server's CPU time per request (workers and PostgreSQL): its ratio to /healthz's does not depend on what
    else the machine is doing, so a run on a busy machine can still be read."""
    healthz = Target("/healthz", "/healthz")
    options = {"min_requests": args.min_requests, "concurrency": args.concurrency, "csrf": csrf, "server": server}
    before = measure(port, healthz, seconds=args.baseline_seconds, **options)
    row = measure(port, target, seconds=args.seconds, **options)
    if target.path == "/healthz":
        before = row
    baseline = before["throughput"]
    row["baseline"] = baseline
    row["baseline_cpu_ms"] = before["server_cpu_ms"]
    row["cpu_ratio"] = (
        round(before["server_cpu_ms"] / row["server_cpu_ms"], 4) if before["server_cpu_ms"] and row["server_cpu_ms"]
        else None
    )  # fmt: skip
    row["ratio"] = round(row["throughput"] / baseline, 4) if baseline else None
    row["met"] = None if row["goal"] is None else bool(row["ratio"] is not None and row["ratio"] >= row["goal"])
    return row


def largest_status() -> str:
    from django.db.models import Count

    from complaints.models import Complaint

    return Complaint.objects.values("status").annotate(n=Count("id")).order_by("-n")[0]["status"]


def list_targets(sessions: Sessions) -> list[Target]:
    """The three lists issue 17 wants flat in N."""
    status = largest_status()
    return [
        Target(
            "Staff queue, first page (default order)", "/admin/complaints/complaint/", sessions.staff, goal=LIST_GOAL
        ),
        Target(
            f"Staff queue filtered to the largest status ({status})",
            f"/admin/complaints/complaint/?status__exact={status}",
            sessions.staff,
            goal=LIST_GOAL,
        ),
        Target("Billing agent's own list (10 % of all complaints)", "/complaints/", sessions.agent, goal=LIST_GOAL),
    ]


def screen(port: int, cookie: str, csrf: str) -> None:
    """The filing form needs the screening answers in the session first."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST", "/complaints/new/", body="program=mco&filed_with_mco=yes&csrfmiddlewaretoken=" + csrf,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
                 "Referer": f"http://127.0.0.1:{port}/"},
    )  # fmt: skip
    if connection.getresponse().status != 302:
        raise RuntimeError("The screening step did not pass; the filing benchmark cannot run.")


def all_targets(port: int, sessions: Sessions) -> tuple[list[Target], str]:
    from accounts.models import MCO
    from complaints.models import Category, Complaint

    csrf = (uuid.uuid4().hex + uuid.uuid4().hex)[:32]  # any 32 letters: the cookie and the form carry the same one
    rep_post = f"{sessions.rep}; csrftoken={csrf}"
    screen(port, rep_post, csrf)
    filed_on = time.strftime("%Y-%m-%d", time.localtime(time.time() - 40 * 86400))
    form = {
        "action": "submit", "mco": str(MCO.objects.get(short_name="Molina").pk),
        "category": str(Category.objects.get(code="claim-denial").pk),
        "subject": "Benchmark+complaint", "description": "Claims+denied+for+a+benchmark.",
        "mco_reference": "BENCH-1", "mco_filed_on": filed_on, "mco_responded": "no", "access_to_care": "no",
        "concerns_members": "no", "consent": "on", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200", "_rep_pk": str(sessions.rep_user.pk),
    }  # fmt: skip
    mine = Complaint.objects.filter(submitted_by=sessions.rep_user).order_by("-submitted_at").first()
    # A seeded complaint in review: a claim line, a timeline, an assignee — what an analyst opens.
    staff_complaint = Complaint.objects.filter(status="in_review", claims__isnull=False).order_by("-pk").first()
    presented = (
        Complaint.objects.filter(mco__memberships__user=sessions.liaison_user, status="awaiting_mco")
        .exclude(presented_at=None)
        .order_by("-pk")
        .first()
    )
    targets = [
        Target("/healthz (baseline)", "/healthz"),
        Target("Home", "/"),
        Target("Public statistics /reports/", "/reports/", goal=0.5),
        Target("Statistics /reports/data.json", "/reports/data.json", goal=0.5),
        Target("Statistics /reports/data.csv", "/reports/data.csv", goal=0.5),
        *list_targets(sessions),
        Target("Representative: my complaints", "/complaints/", sessions.rep),
        Target("Representative: a complaint", f"/complaints/{mine.public_id}/", sessions.rep),
        Target(
            "Staff queue, filtered (submitted, one MCO)",
            "/admin/complaints/complaint/?status__exact=submitted&mco__id__exact=1",
            sessions.staff,
        ),
        Target(
            "Staff complaint page",
            f"/admin/complaints/complaint/{staff_complaint.pk}/change/",
            sessions.staff,
            goal=0.02,
        ),
        # The MCO's side (issue 18): its queue at this size (bench.seed presents every forwarded complaint) and the
        # page of a complaint waiting for its answer.
        Target("MCO liaison: the queue /mco/", "/mco/", sessions.liaison, goal=LIST_GOAL),
        Target("MCO liaison: awaiting our answer", "/mco/?status=awaiting", sessions.liaison, goal=LIST_GOAL),
        Target("MCO liaison: a complaint", f"/mco/{presented.public_id}/", sessions.liaison, goal=0.02),
        Target("Complaint form (GET)", "/complaints/new/complaint/", rep_post, goal=0.05),
        Target("Complaint submission (POST)", "/complaints/new/complaint/", rep_post, post=form, goal=0.04, expect=302),
    ]
    return targets, csrf


def run_bench(args: argparse.Namespace) -> int:
    with Stack(args.workers) as stack:
        seeded = seed_to(args.complaints)
        postgres_peak = stack.postgres_peak_mb()
        from django.core.management import call_command

        from complaints.models import Complaint

        call_command("refresh_reports", "--again", stdout=io.StringIO())
        port = stack.serve()
        sessions = Sessions()
        targets, csrf = all_targets(port, sessions)
        rows = []
        for target in targets:
            print(f"  {target.name}…", flush=True)
            before = Complaint.objects.count()
            row = measure_against_healthz(port, target, args, stack.server_pids(), csrf)
            rows.append(row)
            if target.post is not None:  # every acknowledged submission (302 to its confirmation) is a stored row
                stored = Complaint.objects.count() - before
                acknowledged = row["statuses"].get(302, 0) + 2 * args.concurrency  # with the warm-up ones
                row["stored"] = stored
                if stored != acknowledged:
                    raise RuntimeError(f"{acknowledged} submissions acknowledged but {stored} stored")
        result = {
            "complaints": Complaint.objects.count(),
            "seconds_to_seed": seeded["seconds"],
            "seed_python_peak_rss_mb": seeded["python_peak_rss_mb"],
            "seed_postgres_peak_rss_mb": postgres_peak,
            "gunicorn_workers": args.workers,
            "concurrency": args.concurrency,
            "peak_worker_rss_mb": stack.worker_peak_mb(),
            "cpu": os.cpu_count(),
            "machine": machine(),
            "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
            "pages": rows,
        }
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    table = render(result)
    (ROOT / "bench" / "results.md").write_text(table)
    readme_update("results", table)
    print(table)
    bad = [row["page"] for row in result["pages"] if set(row["statuses"]) != {row["expect"]}]
    if bad:
        print("Unexpected answers on:", ", ".join(bad))
        return 1
    return 0


def run_scale(args: argparse.Namespace) -> int:
    sizes = sorted(int(size) for size in args.scale.split(","))
    measured = []
    with Stack(args.workers) as stack:
        port = 0
        for size in sizes:
            seeded = seed_to(size)
            postgres_peak = stack.postgres_peak_mb()
            if not port:
                port = stack.serve()
            sessions = Sessions()  # fresh ones: seeding a million rows can outlast the idle timeout
            rows = []
            for target in [Target("/healthz (baseline)", "/healthz"), *list_targets(sessions)]:
                print(f"  {size:,}: {target.name}…", flush=True)
                rows.append(measure_against_healthz(port, target, args, stack.server_pids()))
            measured.append(
                {
                    "complaints": size,
                    **signal_detection(),
                    "seconds_to_seed": seeded["seconds"],
                    "seed_python_peak_rss_mb": seeded["python_peak_rss_mb"],
                    "seed_postgres_peak_rss_mb": postgres_peak,
                    "pages": rows,
                }
            )
        result = {
            "gunicorn_workers": args.workers,
            "concurrency": args.concurrency,
            "cpu": os.cpu_count(),
            "machine": machine(),
            "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
            "sizes": measured,
            "lists": scale_verdicts(measured),
        }
    (ROOT / "bench" / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    table = render_scale(result)
    (ROOT / "bench" / "scale.md").write_text(table)
    readme_update("scale", table)
    print(table)
    bad = [row["page"] for size in measured for row in size["pages"] if set(row["statuses"]) != {200}]
    if bad:
        print("Unexpected answers on:", ", ".join(bad))
        return 1
    return 0 if all(verdict["met"] for verdict in result["lists"]) else 2


def signal_detection() -> dict[str, object]:
    """The nightly signal detection (complaints.detection) over the seeded table: its time, and whether the weekly
    counts are read through the index on the day received (an aggregate over the trailing weeks, not every row)."""
    from django.db import connection

    from complaints import detection
    from complaints.services.systemic import last_whole_week, signals_detect

    week = last_whole_week()
    started = time.perf_counter()
    signals_detect(week=week)
    seconds = round(time.perf_counter() - started, 2)
    counts = detection.weekly_query(week - timedelta(weeks=12), week)
    with connection.cursor() as cursor:
        sql, params = counts.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)  # nosec B608 - the ORM's own SQL
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {"signal_detection_seconds": seconds, "signal_detection_by_index": "Index" in plan}


def scale_verdicts(measured: list[dict]) -> list[dict]:
    """Per list: its ratio to /healthz at each size, the change from the smallest to the largest size, and whether
    it stayed within 25 % and at or above 0.02x /healthz at every size."""
    verdicts = []
    for index in range(1, len(measured[0]["pages"])):
        ratios = [size["pages"][index]["ratio"] for size in measured]
        first, last = ratios[0], ratios[-1]
        change = (last - first) / first if first else None
        by_cpu = [size["pages"][index]["cpu_ratio"] for size in measured]
        cpu_change = (by_cpu[-1] - by_cpu[0]) / by_cpu[0] if by_cpu[0] and by_cpu[-1] else None
        flat = change is not None and abs(change) <= SCALE_TOLERANCE
        fast = all(ratio is not None and ratio >= LIST_GOAL for ratio in ratios)
        verdicts.append(
            {
                "page": re.sub(r" \(\w+\)$", "", measured[-1]["pages"][index]["page"]),
                "ratios": ratios,
                "p50_ms": [size["pages"][index]["p50_ms"] for size in measured],
                "change": None if change is None else round(change, 3),
                "cpu_ratios": by_cpu,
                "cpu_change": None if cpu_change is None else round(cpu_change, 3),
                "within_25_percent": flat,
                "at_least_goal": fast,
                "met": flat and fast,
            }
        )
    return verdicts


def readme_update(part: str, table: str) -> None:
    """Put the latest table in README.md, between its `<!-- bench:part … -->` and `<!-- /bench:part -->` lines."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    found = re.search(rf"(<!-- bench:{part}\b[^\n]*-->\n).*?(<!-- /bench:{part} -->)", text, flags=re.S)
    if found:
        readme.write_text(text[: found.end(1)] + "\n" + table + "\n" + text[found.start(2) :])


def machine() -> str:
    model = ""
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    try:
        memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // (1024 * 1024)
    except (OSError, AttributeError):
        memory = 0
    version = subprocess.run(  # noqa: S603 - fixed arguments
        [find_executable("postgres", ("/usr/lib/postgresql/*/bin/postgres",)), "--version"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return f"{os.cpu_count()} CPUs ({model or 'unknown CPU'}), {memory} GB RAM, {version}"


def _mark(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**no**")


def render(result: dict) -> str:
    lines = [
        f"Measured {result['measured_at']} on {result['machine']}: {result['complaints']:,} complaints in "
        f"PostgreSQL (seeded in {result['seconds_to_seed']} s; peak memory of the seeding process "
        f"{result['seed_python_peak_rss_mb']} MB, of a PostgreSQL process {result['seed_postgres_peak_rss_mb']} MB), "
        f"gunicorn with {result['gunicorn_workers']} sync workers, {result['concurrency']} concurrent connections, "
        f"loopback. Peak memory of a web worker: {result['peak_worker_rss_mb']} MB.",
        "",
        "| page | requests/s | p50 ms | p95 ms | /healthz just before | x /healthz | goal | met "
        "| server CPU ms per request | x /healthz by CPU | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for row in result["pages"]:
        answers = ", ".join(f"{count} x {status}" for status, count in sorted(row["statuses"].items()))
        goal = f"≥ {row['goal']}x" if row["goal"] is not None else ""
        lines.append(
            f"| {row['page']} | {row['throughput']} | {row['p50_ms']} | {row['p95_ms']} | {row['baseline']} "
            f"| {row['ratio']} | {goal} | {_mark(row['met'])} | {row['server_cpu_ms']} | {row['cpu_ratio']} "
            f"| {answers} |"
        )
    return "\n".join(lines) + "\n"


def render_scale(result: dict) -> str:
    sizes = [size["complaints"] for size in result["sizes"]]
    heads = " | ".join(f"{size:,}" for size in sizes)
    lines = [
        f"Measured {result['measured_at']} on {result['machine']}: gunicorn with {result['gunicorn_workers']} sync "
        f"workers, {result['concurrency']} concurrent connections, one database seeded up between sizes "
        "(bench/seed.py, then VACUUM ANALYZE). Each cell: the list's throughput as a share of /healthz's measured just "
        "before it, and its median latency; then the same share by the server's CPU time per request (workers and "
        "PostgreSQL), which other work on the machine does not disturb.",
        "",
        f"| list | {heads} | change {sizes[0]:,} → {sizes[-1]:,} | within 25 % | ≥ {LIST_GOAL}x /healthz "
        "| change by CPU |",
        "|---|" + "---:|" * len(sizes) + "---:|---|---|---:|",
    ]
    for verdict in result["lists"]:
        cells = " | ".join(
            f"{ratio}x ({p50} ms); {cpu}x by CPU"
            for ratio, p50, cpu in zip(verdict["ratios"], verdict["p50_ms"], verdict["cpu_ratios"], strict=True)
        )
        change = f"{verdict['change']:+.0%}" if verdict["change"] is not None else ""
        cpu_change = f"{verdict['cpu_change']:+.0%}" if verdict["cpu_change"] is not None else ""
        lines.append(
            f"| {verdict['page']} | {cells} | {change} | {_mark(verdict['within_25_percent'])} "
            f"| {_mark(verdict['at_least_goal'])} | {cpu_change} |"
        )
    lines += [
        "",
        "| size | /healthz requests/s | seeded in | peak memory while seeding (Python / a PostgreSQL process) "
        "| signal detection (one week) |",
    ]
    lines.append("|---:|---:|---:|---|---|")
    for size in result["sizes"]:
        detection = (
            f"{size['signal_detection_seconds']} s, "
            + ("through the index" if size["signal_detection_by_index"] else "**not through the index**")
            if "signal_detection_seconds" in size
            else ""
        )
        lines.append(
            f"| {size['complaints']:,} | {size['pages'][0]['throughput']} | {size['seconds_to_seed']} s "
            f"| {size['seed_python_peak_rss_mb']} MB / {size['seed_postgres_peak_rss_mb']} MB | {detection} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=100_000, help="how many complaints (make bench N=…)")
    parser.add_argument("--scale", default="", help="comma-separated sizes: measure the three lists at each")
    parser.add_argument("--seconds", type=float, default=5.0, help="at least this long per page")
    parser.add_argument("--min-requests", type=int, default=24, help="and at least this many requests per page")
    parser.add_argument("--baseline-seconds", type=float, default=2.0, help="/healthz just before each page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    return run_scale(args) if args.scale else run_bench(args)


if __name__ == "__main__":
    sys.exit(main())
