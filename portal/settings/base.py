"""Settings shared by every environment.

The environment is read only in the settings package, through django-environ. ``local``, ``test`` and
``production`` override what differs; everything else lives here.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# --- Core ---------------------------------------------------------------------------------------
DEBUG = False
ALLOWED_HOSTS: list[str] = []
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

INSTALLED_APPS = [
    # The admin is an OTP admin site (accounts.admin_site): a staff password alone opens nothing.
    "portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "portal",
    "accounts",
    "complaints",
    "reporting",
    "demo",  # seed_demo; above every app (it imports them all, none imports it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RequestIdMiddleware",
    # Sees the cookies the session and CSRF middleware set: a response with one is never publicly cacheable.
    "portal.middleware.NoSharedCacheWithCookiesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent just after an idle sign-out is kept for its author's next sign-in (accounts.rescue).
    "accounts.middleware.SessionRescueMiddleware",
    # Everything needs a signed-in user except views marked @login_not_required (the public allowlist).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in users: 12-hour limit, second factor, current terms accepted; PHI pages are never cached.
    "accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out username + IP pairs before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "complaints:list"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------
# Each environment sets DATABASES; ATOMIC_REQUESTS stays off: services own their transactions.

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")

# Uploaded files hold PHI: they live outside every served path and are never given a public URL
# (MEDIA_URL stays unset). Downloads go through an authorized view.
PRIVATE_MEDIA_ROOT = Path(env.str("PORTAL_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private-media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    # Attachments (PHI): complaints/storage.py. S3 in production.
    "attachments": {
        "BACKEND": "complaints.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT / "attachments")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads over 1 MB go to a temporary file, not memory: memory does not grow with file size. A file over the
# attachment limit is not even read to the end (complaints/uploads.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "complaints.uploads.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# clamd for attachment scans ("127.0.0.1:3310" or a Unix socket path). Without it (the embedded default), files
# wait as "pending scan" and cannot be downloaded.
PORTAL_CLAMD_ADDRESS = env("PORTAL_CLAMD_ADDRESS", default="") or None
PORTAL_CLAMD_TIMEOUT_SECONDS = env.float("PORTAL_CLAMD_TIMEOUT_SECONDS", default=30.0)
# A failed email delivery is tried again after this many seconds, then twice as long each time (at most 10 minutes).
PORTAL_EMAIL_RETRY_SECONDS = env.int("PORTAL_EMAIL_RETRY_SECONDS", default=30)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Cache, tasks -------------------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Lists that grow with the data count at most this many rows, then say "more than" (portal.pagination).
PORTAL_LIST_COUNT_CAP = env.int("PORTAL_LIST_COUNT_CAP", default=1000)

# Celery reads every CELERY_* setting (see portal/celery.py). Task arguments are ids only, never PHI.
CELERY_BROKER_URL: str | None = None
CELERY_RESULT_BACKEND: str | None = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-outbound-email": {"task": "portal.tasks.sweep_outbound_email", "schedule": 300.0},
    "staff-digest": {
        "task": "complaints.tasks.send_staff_digest",
        "schedule": crontab(hour=7, minute=0),  # 7 a.m. in Illinois, every day
    },
    "refresh-reports": {"task": "reporting.tasks.refresh_reports", "schedule": crontab(hour=2, minute=30)},
    "purge-session-rescues": {"task": "accounts.tasks.purge_session_rescues", "schedule": 900.0},
    "purge-stale-draft-attachments": {
        "task": "complaints.tasks.purge_stale_draft_attachments",
        "schedule": 3600.0,
    },
    "detect-signals": {
        "task": "complaints.tasks.detect_signals",
        "schedule": crontab(hour=3, minute=15),  # nightly, for the week that ended (complaints.detection)
    },
    "mco-deadline-notices": {
        "task": "complaints.tasks.send_mco_deadline_notices",
        "schedule": crontab(hour=6, minute=30),  # before the MCO's working day in Illinois
    },
}

# --- Email --------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Illinois HFS MCO Complaint Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[HFS MCO Complaint Portal] "

# --- Security -----------------------------------------------------------------------------------
# Sessions (DESIGN §6.1): stored server-side, 15 minutes idle, 12 hours at most. The idle limit moves on with every
# request, but the row is written only when its data changes or at most once a minute (accounts/sessions.py has the
# rule): a session ends between 15 and 16 minutes after its last request, never before the 15 minutes a page counts.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 15 * 60
PORTAL_SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PORTAL_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
# Signed-in pages warn this long before the idle limit, with a button to stay signed in (WCAG 2.2.1).
PORTAL_SESSION_WARNING_SECONDS = 2 * 60
# A form sent after an idle sign-out waits this long, server-side, for its author to sign in again
# (accounts.services.session_rescue); the browser's handle for it lives in this signed HttpOnly cookie.
PORTAL_SESSION_RESCUE_SECONDS = 30 * 60
PORTAL_SESSION_RESCUE_COOKIE = "portal_rescue"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # USWDS draws some icons as data: URIs in its stylesheet.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Throttling (django-axes): 5 failures (passwords and one-time codes) per email + IP, then 10 minutes' wait.
# Keyed on the pair so that one attacker cannot lock out everyone behind the same IP.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The wait is 10 minutes from the lockout, as the lockout page says; trying again meanwhile does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code", "new_password1", "new_password2"]
# The client's address behind PORTAL_TRUSTED_PROXY_COUNT reverse proxies (accounts.auth.client_ip_address).
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client_ip_address"
# Log lines name the address and page, never the email typed.
AXES_CLIENT_STR_CALLABLE = "accounts.auth.axes_client_str"

# Second factor (django-otp).
OTP_TOTP_ISSUER = "Illinois HFS MCO Complaint Portal"
# Nobody, staff included, ever sees another person's authenticator secret or QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PORTAL_RECOVERY_CODE_COUNT = 10
# --- Forms --------------------------------------------------------------------------------------
# The in-repo USWDS template pack lives in templates/uswds/ (no published pack exists).
CRISPY_ALLOWED_TEMPLATE_PACKS = ["uswds"]
CRISPY_TEMPLATE_PACK = "uswds"

# --- Portal -------------------------------------------------------------------------------------
# Absolute address of the portal, used in links inside emails.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Fee-for-Service issues are not handled by the portal (DESIGN R9).
PORTAL_FFS_PHONE = "877-782-5565"
# How long /readyz waits for each dependency before calling it down.
PORTAL_READINESS_TIMEOUT_SECONDS = env.float("PORTAL_READINESS_TIMEOUT_SECONDS", default=2.0)

# --- Logging ------------------------------------------------------------------------------------
# Records carry ids, never PHI. Everything goes to stderr; the platform collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # axes logs each attempt with the email typed; the audit log already records what matters.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Which kind of deployment this is; seed_demo refuses to run in "production".
PORTAL_ENVIRONMENT = "base"

# Accounts (DESIGN §5): the current terms-of-use version (its text: templates/accounts/terms/<version>.html),
# how long an invitation and an email-verification link stay good.
PORTAL_TERMS_VERSION = "2026-11-01"
# The terms MCO users accept (the MCO's own HIPAA duties, DESIGN §11): templates/accounts/terms/mco-<version>.html.
PORTAL_MCO_TERMS_VERSION = "2026-12-07"
PORTAL_INVITATION_DAYS = 7
# Invitations are emails to any address: at most this many an hour per administrator, and per address and team.
PORTAL_INVITATIONS_PER_HOUR = 30
PORTAL_INVITATIONS_PER_ADDRESS_PER_HOUR = 3

# Complaints (DESIGN §4.5, §6.3): the filing window, and attachment limits.
PORTAL_FILING_MIN_DAYS = 30
PORTAL_FILING_MAX_DAYS = 60
PORTAL_FILING_AFTER_RESOLUTION_DAYS = 30
PORTAL_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
PORTAL_ATTACHMENT_MAX_COUNT = 10
PORTAL_ATTACHMENT_EXTENSIONS = [".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".xlsx", ".csv", ".txt"]
PORTAL_CLAIM_LINES_MAX = 200
# The earliest date of service or of filing with the MCO a complaint may carry (issue 16). Mandatory Illinois
# Medicaid managed care began with the Integrated Care Program in 2011, and a claim dispute must reach the MCO within
# months of the service, so an earlier date is a typing mistake (2006 for 2026, a two-digit year), not a real case.
PORTAL_EARLIEST_DATE = date(2011, 1, 1)
# Clocks (DESIGN §4.5): business days skip weekends and Illinois holidays.
PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED = 2
PORTAL_FIRST_RESPONSE_BUSINESS_DAYS = 15
PORTAL_MCO_PRESENTATION_BUSINESS_DAYS = 10
PORTAL_MCO_ANSWER_DAYS = 30
PORTAL_MCO_EXTENSION_DAYS = 30
# The MCO's liaisons are told this many calendar days before its answer is due (DESIGN §11).
PORTAL_MCO_DUE_SOON_DAYS = 5
# The filing representative accepts or disputes the MCO's proposal within this many business days of it.
PORTAL_PROVIDER_REPLY_BUSINESS_DAYS = 10
# Public reporting (DESIGN §7): no published count below this (0 may be shown).
PORTAL_REPORT_SUPPRESSION_THRESHOLD = 11
# A quarter's complaints are published once, in the first release at least this many months after the quarter ends,
# as they stood that day, and never recomputed (reporting.services): 1 keeps the figures fresh.
PORTAL_REPORT_COHORT_AGE_MONTHS = 1
# Systemic-issue signals (DESIGN §12, complaints.detection): a week's new complaints per MCO and category against
# the trailing weeks; the chance of a false alarm per MCO, category and week; the fewest organizations behind one.
PORTAL_SIGNAL_HISTORY_WEEKS = 12
PORTAL_SIGNAL_FALSE_ALARM_RATE = 0.001
PORTAL_SIGNAL_MIN_ORGANIZATIONS = 3
# The dates-of-service rule: complaints received in the week and the weeks before (this many in all); claim lines
# covering more days than this are left out (they would meet every other line).
PORTAL_SIGNAL_SHARED_DATES_WEEKS = 4
PORTAL_SIGNAL_SHARED_DATES_MAX_DAYS = 31
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
PORTAL_EMAIL_VERIFICATION_DAYS = 3
