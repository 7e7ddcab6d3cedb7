"""Production (docker-compose.yml and real deployments).

Every value that must be set has no default: a missing one stops the start with
"Set the <NAME> environment variable". `manage.py check --deploy` is clean with `.env.example`.
"""

from .base import *  # noqa: F403
from .base import env

PORTAL_ENVIRONMENT = "production"
DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_BASE_URL = env("PORTAL_BASE_URL")

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer must fail fast (and /readyz must be able to say so).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that hangs must not hang every request (and /readyz must be able to say so).
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False

# smtp+tls://user:password@host:587 (Mailpit locally: smtp://mailpit:1025).
_email = env.email_url("EMAIL_URL")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# gunicorn serves the collected static files itself (whitenoise), right after the security middleware.
MIDDLEWARE = [*MIDDLEWARE[:1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405

# Attachments: a private S3-compatible bucket, encrypted at rest, never overwritten, never public
# (complaints/storage.py sets those options on the class).
_s3 = {
    "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
    "region_name": env("AWS_S3_REGION_NAME", default=None),
    "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
    "server_side_encryption": env("AWS_S3_SSE", default="AES256"),
}
STORAGES = {
    "default": {"BACKEND": "complaints.storage.PrivateS3Storage", "OPTIONS": {**_s3, "location": "private"}},
    "attachments": {"BACKEND": "complaints.storage.PrivateS3Storage", "OPTIONS": {**_s3, "location": "attachments"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Every attachment is scanned in production: no scanner configured, no start.
PORTAL_CLAMD_ADDRESS = env("PORTAL_CLAMD_ADDRESS")

# HTTPS only (DESIGN §6.4). TLS ends at the proxy in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
