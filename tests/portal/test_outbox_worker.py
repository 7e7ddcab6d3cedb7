"""The outbox with a real Redis broker and a real Celery worker: a broker outage at submit time loses no email.

The broker is stopped while a representative files a complaint; the page still succeeds. When Redis is
back, the sweeper queues the pending email again and the worker (another process, on the test database)
delivers it — once.
"""

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from complaints.models import Complaint
from portal import outbox
from portal.celery import app as celery_app
from portal.models import OutboundEmail
from tests.complaints.test_intake_views import form_data, key_of, screened
from tests.factories import RepresentativeFactory
from tests.helpers import server_process_environment, sign_in

ROOT = Path(__file__).resolve().parents[2]
# A retry may be scheduled up to 10 minutes ahead (the task's longest back-off); waiting for an idle worker allows it.
RETRY_WAIT = 660


@pytest.fixture
def real_broker(redis_server):  # type: ignore[no-untyped-def]
    """This process publishes to a private Redis instead of running tasks in-process."""
    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app.conf.update(
        broker_url=redis_server.url,
        task_always_eager=False,
        broker_connection_timeout=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    reset_connections()
    yield redis_server
    celery_app.conf.update(**saved)
    reset_connections()


def reset_connections() -> None:
    # The app caches its connection pool and its producer pool (which keeps the old pool's broker URL):
    # drop both so the next publish connects to the broker configured now.
    celery_app.close()
    celery_app.amqp._producer_pool = None


def start_worker(redis_url: str, mail_dir: Path, log: Path, **mail: str) -> subprocess.Popen[bytes]:
    settings = {
        "REDIS_URL": redis_url,
        "PORTAL_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "PORTAL_TEST_EMAIL_FILE_PATH": str(mail_dir),
        # Retries after 2 s, 4 s, 8 s… instead of 30 s, 60 s…: the drills wait for the retries to have run.
        "PORTAL_EMAIL_RETRY_SECONDS": "2",
        **mail,  # e.g. an SMTP backend and the sink's address
    }
    env = server_process_environment(**settings)
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--logfile", str(log)]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def delivery(mail_dir: Path, references: set[str]) -> dict[str, int]:
    """What reached the mail files: each complaint's acknowledgement delivered, lost or duplicated."""
    return tally([path.read_text() for path in mail_dir.iterdir()], references)


def tally(messages: list[str], references: set[str]) -> dict[str, int]:
    delivered = [ref for message in messages for ref in references if ref in message]
    unique = set(delivered)
    return {"delivered": len(unique), "lost": len(references - unique), "duplicated": len(delivered) - len(unique)}


def wait_for(predicate, timeout: float = 60.0, progress=None) -> bool:  # type: ignore[no-untyped-def]
    """Until ``predicate()`` holds; False after ``timeout`` seconds in which nothing moved. ``progress`` (a figure
    that changes while the work goes on, e.g. how many were sent) restarts that clock, so a slow machine that keeps
    delivering is waited for however long it takes: only a stall fails."""
    deadline, last = time.monotonic() + timeout, None
    while not predicate():
        if progress is not None and (now := progress()) != last:
            deadline, last = time.monotonic() + timeout, now
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def worker_idle(redis_url: str):  # type: ignore[no-untyped-def]
    """True once the worker has run every task given to it: none waits in the queue and none is reserved (a task is
    acknowledged after it ran, so a reserved one is running or waiting for its retry). Checked instead of pausing
    "long enough" for a duplicate to show: anything that could send again has run by then."""
    import redis

    broker = redis.Redis.from_url(redis_url)
    return lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_at_submit_then_the_email_is_delivered_once_after_redis_returns(client, real_broker, tmp_path):
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    screened(client)
    key = key_of(client.get("/complaints/new/complaint/"))

    real_broker.stop()
    started = time.monotonic()
    response = client.post("/complaints/new/complaint/", form_data(key))
    assert response.status_code == 302, "the representative sees success although the broker is down"
    assert time.monotonic() - started < 15
    complaint = Complaint.objects.get()
    email = OutboundEmail.objects.get(kind="complaints.acknowledgement", object_id=str(complaint.pk))
    assert email.status == OutboundEmail.Status.PENDING and email.to_email == representative.user.email

    real_broker.start()
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    worker = start_worker(real_broker.url, mail_dir, log)
    try:
        assert outbox.sweep(older_than_seconds=0) == 1
        assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT), (
            "the worker did not deliver in time; its log:\n" + (log.read_text() if log.exists() else "(none)")
        )
        assert outbox.sweep(older_than_seconds=0) == 0  # nothing left pending: no second delivery
        assert wait_for(worker_idle(real_broker.url), RETRY_WAIT)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    email.refresh_from_db()
    assert email.attempts == 1
    messages = [path.read_text() for path in mail_dir.iterdir()]
    assert len(messages) == 1 and messages[0].count("Subject:") == 1  # one file, one message
    assert complaint.reference in messages[0] and representative.user.email in messages[0]


@pytest.mark.django_db
def test_a_sweep_while_the_broker_is_still_down_stops_at_the_first_refusal(real_broker, caplog):
    """Thousands may wait after an outage: a sweep that finds the broker down again gives up at once (one warning,
    not one per email) and leaves every row pending; the next sweep, with the broker back, queues them all."""
    import redis

    from tests.factories import UserFactory

    users = UserFactory.create_batch(3, email_verified_at=None)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(kind="accounts.verify_email", object_id=str(user.pk), to_email=user.email) for user in users
    )
    real_broker.stop()
    with caplog.at_level("WARNING", logger="portal.outbox"):
        assert outbox.sweep(older_than_seconds=0) == 0
    assert [record.getMessage() for record in caplog.records if record.name == "portal.outbox"] == [
        f"outbox: could not queue email id={OutboundEmail.objects.order_by('pk').first().pk}; it stays pending"
    ]
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 3
    real_broker.start()
    assert outbox.sweep(older_than_seconds=0) == 3
    assert redis.Redis.from_url(real_broker.url).llen("celery") == 3  # queued for the worker, once each


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_redis_down_for_30_seconds_while_complaints_are_filed(client, real_broker, tmp_path, record_property):
    """Fault drill (issue 8): Redis is stopped for 30 seconds while a representative keeps filing. Every filing is
    answered without error; when Redis is back the sweeper queues what waited and the worker delivers every
    acknowledgement exactly once."""
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    real_broker.stop()
    outage_started = time.monotonic()
    answered, errors = 0, 0
    # 30 seconds however fast the machine files (and at least a few filings however slow it is).
    while time.monotonic() - outage_started < 30 or answered + errors < 3:
        screened(client)
        key = key_of(client.get("/complaints/new/complaint/"))
        response = client.post("/complaints/new/complaint/", form_data(key))
        if response.status_code == 302:
            answered += 1
        else:
            errors += 1
    real_broker.start()
    references = set(Complaint.objects.values_list("reference", flat=True))
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    worker = start_worker(real_broker.url, mail_dir, log)
    try:
        assert outbox.sweep(older_than_seconds=0) == answered  # all of them, however many waited
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
        done = wait_for(lambda: sent.count() == answered, progress=sent.count)
        assert done, "not every email was delivered; the worker's log:\n" + (log.read_text() if log.exists() else "")
        assert outbox.sweep(older_than_seconds=0) == 0
        assert wait_for(worker_idle(real_broker.url), RETRY_WAIT)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    figures = {"sent": answered, **delivery(mail_dir, references), "errors": errors}
    record_property("drill_redis_down_30s", figures)
    print(f"\nDrill, Redis down 30 s: {figures}")
    assert errors == 0 and len(references) == answered
    assert figures["lost"] == 0 and figures["duplicated"] == 0 and figures["delivered"] == answered


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_worker_killed_mid_delivery(client, real_broker, tmp_path, record_property):
    """Fault drill (issue 8): the Celery worker is killed (SIGKILL) while it delivers a batch. Nothing is lost: the
    row of the email in flight stays pending (its transaction never committed) and is delivered again.

    The mail server holds its answer to the 21st message, so the kill lands mid-batch however fast the machine is,
    with that message handed over but not accepted (a server that never said "accepted" does not deliver it). The
    one possible duplicate, between the server accepting a message and the row being recorded as sent, is a window
    of microseconds that this drill does not aim at."""
    import redis

    sink = SmtpSink(hold_after=20)
    sink.start()
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    real_broker.stop()
    for _ in range(150):  # filed while the broker is down: every acknowledgement waits, pending
        screened(client)
        assert client.post("/complaints/new/complaint/", form_data(key_of(client.get("/complaints/new/complaint/"))))
    real_broker.start()
    references = set(Complaint.objects.values_list("reference", flat=True))
    worker = start_worker(real_broker.url, tmp_path / "unused", tmp_path / "worker-1.log", **sink.settings())
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
    try:
        assert outbox.sweep(older_than_seconds=0) == len(references)
        assert wait_for(sink.held.is_set, progress=lambda: len(sink.messages)), "the worker never got going"
    finally:
        worker.kill()  # SIGKILL: no clean shutdown
        worker.wait(timeout=20)
        sink.hold_after = None
    left_at_kill = len(references) - sent.count()
    # Redis would give the dead worker's reserved task to another worker after its visibility timeout (an hour);
    # the beat's sweep finds that row sooner. Forget the reservation, so that "idle" below speaks of the new worker.
    redis.Redis.from_url(real_broker.url).delete("unacked", "unacked_index")
    worker = start_worker(real_broker.url, tmp_path / "unused", tmp_path / "worker-2.log", **sink.settings())
    try:
        outbox.sweep(older_than_seconds=0)  # the beat's sweeper finds what the dead worker left
        assert wait_for(lambda: sent.count() == len(references), progress=sent.count), "not everything was delivered"
        assert wait_for(worker_idle(real_broker.url), RETRY_WAIT)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        sink.stop()
    figures = {"sent": len(references), "left_when_killed": left_at_kill, **tally(sink.messages, references)}
    record_property("drill_worker_killed", figures)
    print(f"\nDrill, worker killed mid-delivery: {figures}")
    assert left_at_kill == len(references) - 20, "killed mid-batch: the 20 accepted are sent, the rest waits"
    assert figures["lost"] == 0 and figures["duplicated"] == 0


class SmtpSink:
    """A mail server on loopback that accepts everything and keeps it (mail never leaves the machine); it can be
    stopped (connections refused) and started again on the same port. With ``hold_after``, once it has accepted
    that many messages it answers no more: the next sender waits (``held`` is set), and a message whose sender gives
    up or dies before an answer is dropped, as a real server does with a message it never accepted."""

    def __init__(self, hold_after: int | None = None) -> None:
        from tests.plugins.services import free_port

        self.port = free_port()
        self.messages: list[str] = []
        self.hold_after = hold_after
        self.held = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ready\r\n")
        lines: list[bytes] | None = None
        while line := await reader.readline():
            if lines is not None:  # inside DATA
                if line.rstrip(b"\r\n") == b".":
                    if self.hold_after is not None and len(self.messages) >= self.hold_after:
                        self.held.set()
                        await reader.read()  # no answer, until the sender hangs up
                        break
                    self.messages.append(b"".join(lines).decode("utf-8", "replace"))
                    lines = None
                    writer.write(b"250 queued\r\n")
                else:
                    lines.append(line)
                continue
            command = line[:4].upper()
            if command == b"EHLO":
                writer.write(b"250-sink\r\n250 SMTPUTF8\r\n")
            elif command == b"DATA":
                writer.write(b"354 go ahead\r\n")
                lines = []
            elif command == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    def settings(self) -> dict[str, str]:
        """A worker's settings that send through this server."""
        return {
            "PORTAL_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "PORTAL_TEST_EMAIL_HOST": "127.0.0.1",
            "PORTAL_TEST_EMAIL_PORT": str(self.port),
        }

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", self.port))
            ready.set()
            self.loop.run_forever()
            server.close()
            self.loop.run_until_complete(server.wait_closed())
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self.loop and self.thread:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        self.loop = self.thread = None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drill_smtp_down_then_every_notice_is_delivered_once(client, real_broker, tmp_path, record_property):
    """Fault drill (issue 8): the mail server is down while complaints are filed. The worker's attempts fail and
    are recorded; when it returns, the sweeper queues the waiting rows and every acknowledgement arrives once."""
    sink = SmtpSink()  # not started: the port refuses connections
    worker = start_worker(real_broker.url, tmp_path / "unused", tmp_path / "worker.log", **sink.settings())
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    try:
        for _ in range(20):
            screened(client)
            key = key_of(client.get("/complaints/new/complaint/"))
            assert client.post("/complaints/new/complaint/", form_data(key)).status_code == 302
        references = set(Complaint.objects.values_list("reference", flat=True))
        pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        untried = pending.filter(attempts=0)
        assert wait_for(lambda: not untried.exists(), progress=untried.count), "the worker never tried"
        failed_attempts = sum(pending.values_list("attempts", flat=True))
        sink.start()
        outbox.sweep(older_than_seconds=0)
        done = wait_for(lambda: not pending.exists(), progress=pending.count)
        assert done, "not every email was delivered after the sink returned"
        # The retries scheduled while it was down have run too.
        assert wait_for(worker_idle(real_broker.url), RETRY_WAIT)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        sink.stop()
    figures = {
        "sent": len(references),
        "failed_attempts_while_down": failed_attempts,
        **tally(sink.messages, references),
    }
    record_property("drill_smtp_down", figures)
    print(f"\nDrill, SMTP down: {figures}")
    assert failed_attempts >= len(references)
    assert figures["lost"] == 0 and figures["duplicated"] == 0
