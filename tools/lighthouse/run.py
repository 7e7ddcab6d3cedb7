"""`make lighthouse`: Lighthouse performance of the public pages, served as in production; screenshots on request.

PostgreSQL and Redis are started on loopback in temp dirs (the helpers the tests use); the database is migrated and
loaded with the demo data (the embedded default's settings: seed_demo refuses production ones); collectstatic runs
with the production settings (whitenoise's compressed, hashed files) into a temp dir; gunicorn serves the portal
with `portal.settings.production`. Lighthouse (tools/lighthouse/package.json, installed with `npm ci` there) runs
on each page with the default mobile profile (simulated slow 4G and a 4x slower CPU) and the median of the runs is
printed. Nothing leaves the machine: the pages are on loopback, Chromium runs with no background networking.

The requests carry `X-Forwarded-Proto: https`, as the TLS proxy in front of gunicorn sends it in production
(the production settings redirect plain HTTP), and the host is `localhost`, where Chromium keeps secure cookies.

    python tools/lighthouse/run.py                      # scores of the public pages, 3 runs each
    python tools/lighthouse/run.py --screenshots DIR    # and full-page screenshots, signed out and signed in
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.plugins.services import PostgresServer, RedisServer, find_executable, free_port, wait_for_port  # noqa: E402

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
PAGES = ["/", "/reports/", "/reports/methodology/", "/accounts/login/"]
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
)
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def chromium() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("Chromium is not installed (apt-get install chromium).")
    return path


def environments(pg: PostgresServer, redis: RedisServer, static_root: Path, port: int) -> tuple[dict, dict]:
    shared = {
        **os.environ,
        "DATABASE_URL": pg.url,
        "REDIS_URL": redis.url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),  # the same in both: sessions made by one are read by the other
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "PYTHONUNBUFFERED": "1",
    }
    local = {
        **shared,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    production = {
        **shared,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "PORTAL_BASE_URL": f"http://localhost:{port}",
        # The browser says Origin http://…, the proxy header says https: trusted, as the real origin is there.
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://localhost:{port}",
        "EMAIL_URL": "consolemail://",
        "DEFAULT_FROM_EMAIL": "portal@localhost",
        "AWS_STORAGE_BUCKET_NAME": "lighthouse-not-used",
        "PORTAL_CLAMD_ADDRESS": "127.0.0.1:1",  # never reached: no page measured here takes a file
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return local, production


def manage(env: dict, *arguments: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from complaints.models import Complaint
from tests.helpers import sign_in
User = get_user_model()
rep = User.objects.get(email="rep@prairie-health.demo.example")
mine = Complaint.objects.filter(submitted_by=rep).order_by("-submitted_at").first()
print(json.dumps({"rep": sign_in(Client(), rep).cookies["sessionid"].value, "mine": str(mine.public_id)}))
"""


def lighthouse_once(url: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="portal-lighthouse-") as profile:
        return subprocess.run(  # noqa: S603 - fixed arguments
            [
                str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json", "--quiet",
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
                f"--extra-headers={json.dumps(PROXY_HEADERS)}",
            ],
            env={**os.environ, "CHROME_PATH": chromium()}, capture_output=True, text=True, check=False,
        )  # fmt: skip


def lighthouse(url: str, runs: int, out: Path | None) -> dict:
    scores, metrics, transfer = [], {name: [] for name in METRICS.values()}, {}
    for run in range(runs):
        done = lighthouse_once(url)
        if done.returncode != 0 and "NO_NAVSTART" in done.stderr:  # Chromium now and then records no trace
            done = lighthouse_once(url)
        if done.returncode != 0:
            raise RuntimeError(f"Lighthouse failed on {url}:\n{done.stderr[-2000:]}")
        report = json.loads(done.stdout)
        if out is not None:
            name = url.split("/", 3)[3].strip("/").replace("/", "_") or "home"
            (out / f"{name}.{run + 1}.json").write_text(done.stdout)
        scores.append(round(report["categories"]["performance"]["score"] * 100))
        for audit, label in METRICS.items():
            metrics[label].append(report["audits"][audit]["numericValue"])
        for request in report["audits"]["network-requests"]["details"]["items"]:
            kind = request.get("resourceType", "Other")
            transfer[kind] = transfer.get(kind, 0) + request.get("transferSize", 0)
    return {
        "score": statistics.median(scores),
        "scores": scores,
        **{label: statistics.median(values) for label, values in metrics.items()},
        "kB": {kind: round(size / 1024 / runs, 1) for kind, size in sorted(transfer.items())},
    }


# Puts the full USWDS build in place of the portal's stylesheet on the page as it is (menu open, file chosen…).
FULL_BUILD = """async () => {
  const link = Array.from(document.querySelectorAll("link[rel=stylesheet]")).find(l => l.href.includes("uswds-portal"));
  if (!link) { return false; }
  const full = document.createElement("link");
  full.rel = "stylesheet";
  full.href = link.href.replace(/uswds-portal\\.min\\.([0-9a-f]{12}\\.)?css$/, "uswds.min.css");
  await new Promise((resolve, reject) => { full.onload = resolve; full.onerror = reject; link.after(full); });
  link.remove();
  return true;
}"""


class Shots:
    """Full-page screenshots; each also taken again with the full USWDS build instead of the portal's stylesheet,
    on the same page in the same state: any pixel that differs is a rule the purge left out (or a font)."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.taken, self.differ, self.compared = directory, [], [], 0
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str, *, full_page: bool = True, settle_ms: int = 0) -> None:  # type: ignore[no-untyped-def]
        from PIL import Image, ImageChops

        page.wait_for_timeout(settle_ms)
        shipped, full = self.directory / f"{name}.png", self.directory / f"{name}.full-build.png"
        page.screenshot(path=str(shipped), full_page=full_page)
        self.taken.append(shipped)
        if not page.evaluate(FULL_BUILD):
            return
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(max(settle_ms, 300))
        page.screenshot(path=str(full), full_page=full_page)
        self.compared += 1
        first, second = Image.open(shipped).convert("RGB"), Image.open(full).convert("RGB")
        box = ImageChops.difference(first, second).getbbox() if first.size == second.size else "a different size"
        if box:
            self.differ.append(f"{name}: differs from the full build in {box}")
        else:
            full.unlink()


def filing_pages(page, base: str, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    """The screening questions sent unanswered (the error styles), then the complaint form with files chosen."""
    try:
        page.goto(base + "/complaints/new/", wait_until="load")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        shots.take(page, "desktop-screening-errors")
        page.goto(base + "/complaints/new/", wait_until="load")
        page.locator("label", has_text="A Medicaid managed care organization (MCO)").first.click()
        page.get_by_role("group", name=re.compile("Have you already sent this issue")).locator(
            "label", has_text="Yes"
        ).first.click()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        letter = {"name": "denial-letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        # The attachments first: after a refusal the USWDS script (3.14) shows no preview in any other zone.
        page.locator("input[type=file]").last.set_input_files(files=[letter])  # attachments: a preview
        page.locator("input[type=file]").first.set_input_files(files=[letter])  # the CSV input: refused
        shots.take(page, "desktop-complaint-form", settle_ms=500)
    except Exception as error:  # noqa: BLE001 - the other screenshots are still worth having
        print(f"  (the filing pages could not be reached: {error})")


def screenshots(base: str, directory: Path, cookie: str, mine: str) -> Shots:
    from playwright.sync_api import sync_playwright

    shots = Shots(directory)
    public = ["/", "/reports/", "/reports/methodology/", "/accounts/login/", "/help/"]
    signed_in = ["/complaints/", f"/complaints/{mine}/", "/accounts/"]
    args = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
    host = base.split("//", 1)[1].split(":")[0]
    session = [{"name": "sessionid", "value": cookie, "domain": host, "path": "/", "secure": True}]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=args, headless=True)
        for width, height, label in [(1280, 900, "desktop"), (390, 844, "phone")]:
            context = browser.new_context(viewport={"width": width, "height": height}, extra_http_headers=PROXY_HEADERS)
            page = context.new_page()
            for path in public + signed_in:
                if path in public:
                    context.clear_cookies()
                else:
                    context.add_cookies(session)
                page.goto(base + path, wait_until="load")
                name = "complaint" if path == signed_in[1] else path.strip("/").replace("/", "_") or "home"
                shots.take(page, f"{label}-{name}")
            if label == "desktop":
                filing_pages(page, base, shots)
            else:  # the menu, opened with the keyboard: the USWDS navigation script and its styles
                page.goto(base + "/", wait_until="load")
                page.focus(".usa-menu-btn")
                page.keyboard.press("Enter")
                shots.take(page, "phone-menu-open", full_page=False, settle_ms=1000)  # it slides in (0.3 s)
            # Keyboard focus on the first link of the page: its outline must show.
            page.goto(base + "/", wait_until="load")
            page.keyboard.press("Tab")
            shots.take(page, f"{label}-focus-skipnav", full_page=False, settle_ms=1000)  # it slides in (0.15 s)
            context.close()
        browser.close()
    return shots


def stop_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_term)  # `kill PID` stops the services this started, as Ctrl-C does
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is printed)")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--json", type=Path, help="keep each Lighthouse report in this folder")
    parser.add_argument("--screenshots", type=Path, help="save full-page screenshots in this folder")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the screenshots")
    parser.add_argument("--serve", action="store_true", help="keep serving until Ctrl-C (to look at it yourself)")
    args = parser.parse_args()
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: (cd tools/lighthouse && npm ci)")

    pg, redis = PostgresServer(), RedisServer()
    static_root = Path(tempfile.mkdtemp(prefix="portal-lighthouse-static-"))
    port = free_port()
    local, production = environments(pg, redis, static_root, port)
    gunicorn = None
    try:
        pg.start()
        createdb = find_executable("createdb", ("/usr/lib/postgresql/*/bin/createdb",))
        subprocess.run([createdb, "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user, "portal"], check=True)  # noqa: S603
        redis.start()
        print("Migrating and loading the demo data…", flush=True)
        manage(local, "migrate", "--noinput")
        manage(local, "seed_demo")
        ready = json.loads(manage(local, "shell", "-c", SESSIONS).strip().splitlines()[-1])
        print("collectstatic with the production settings…", flush=True)
        manage(production, "collectstatic", "--noinput")
        gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=production,
        )  # fmt: skip
        wait_for_port(port)
        base = f"http://localhost:{port}"
        if args.screenshots:
            shots = screenshots(base, args.screenshots, ready["rep"], ready["mine"])
            print(f"{len(shots.taken)} screenshots in {args.screenshots}; {shots.compared} again with the full build:")
            for line in shots.differ or ["every one the same, pixel for pixel"]:
                print(f"  {line}")
        if not args.no_lighthouse:
            if args.json:
                args.json.mkdir(parents=True, exist_ok=True)
            print(f"Lighthouse performance (mobile profile), median of {args.runs} runs:")
            print(f"  {'page':<24} score  FCP ms  LCP ms  TBT ms    CLS  SI ms  transferred kB")
            for path in args.pages:
                result = lighthouse(base + path, args.runs, args.json)
                kinds = ", ".join(f"{kind} {size}" for kind, size in result["kB"].items())
                print(
                    f"  {path:<24} {result['score']:>5}  {result['FCP']:>6.0f}  {result['LCP']:>6.0f}  "
                    f"{result['TBT']:>6.0f}  {result['CLS']:>5.3f}  {result['SI']:>5.0f}  {kinds}  {result['scores']}",
                    flush=True,
                )
        if args.serve:
            print(f"Serving at {base}/ (send X-Forwarded-Proto: https). Ctrl-C stops.", flush=True)
            gunicorn.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        redis.remove()
        pg.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
