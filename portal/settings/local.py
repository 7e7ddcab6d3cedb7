"""The embedded default (`make run`): SQLite, in-process tasks, email on the console.

Nothing here is fit for real PHI; it exists so a newcomer can run the portal with no services.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

PORTAL_ENVIRONMENT = "local"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-use-with-real-data")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The SQLite file and private uploads live in var/ (git-ignored); make sure it exists on a fresh clone.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
# Connections kept between requests as in production (make bench sets it; 0, the default, opens one per request).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Requests run at once here too (a double click, two tabs, the page's own files). A transaction that read
    # first and then writes cannot wait for another writer ("database is locked" at once); one that takes the
    # write lock at BEGIN (IMMEDIATE) waits its turn, up to the busy timeout. The write-ahead log lets pages be
    # read while a complaint is being written.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

# No broker: tasks run in-process, right away.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Tasks run in-process here: their per-task success lines would drown the server's own output.
LOGGING["loggers"].update({"celery.app.trace": {"level": "WARNING"}, "kombu": {"level": "ERROR"}})  # noqa: F405
