"""Settings for `make test`: real PostgreSQL and Redis, started by tests/plugins/services.py.

DATABASE_URL and REDIS_URL have no default on purpose: the test tooling provides them, and a run
without it should stop at once rather than test something else.
"""

from .base import *  # noqa: F403
from .base import env

PORTAL_ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-and-variety-0123456789"  # noqa: S105 - tests only  # nosec B105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {"default": env.db("DATABASE_URL")}
REDIS_URL = env("REDIS_URL")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test",
    }
}

# Task bodies are tested directly (eager); the broker is the real Redis so readiness checks it.
CELERY_BROKER_URL = REDIS_URL
# A real worker started by an integration test runs with these two switched (tests/portal/test_outbox_worker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("PORTAL_TEST_CELERY_EAGER", default=True)
EMAIL_BACKEND = env("PORTAL_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("PORTAL_TEST_EMAIL_FILE_PATH", default=None)
# The SMTP-sink fault drill points a worker at a sink on loopback.
EMAIL_HOST = env("PORTAL_TEST_EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("PORTAL_TEST_EMAIL_PORT", default=25)
EMAIL_TIMEOUT = 5

# Fast hashing: the tests are about behaviour, not password cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PORTAL_READINESS_TIMEOUT_SECONDS = 1.0
