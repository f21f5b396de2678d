"""
Django settings for Dromen.Doen.

One module, read from the environment. With nothing set it runs the *embedded
default*: SQLite, Celery tasks in-process and mail kept in the local mailbox at
/dev/mailbox/. DATABASE_URL and REDIS_URL switch it to PostgreSQL, Redis and
real Celery workers. Production sets DJANGO_SECRET_KEY and DJANGO_DEBUG=0.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config import cache_settings
from config.logging import build_logging
from config.mail_settings import MAILBOX, from_address, mail_destination, mailers_for

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool[T](name: str, default: T) -> bool | T:
    """Return the environment variable NAME read as a boolean, DEFAULT when it is not set."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated environment variable NAME as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# A fixed key is only acceptable for local use; production must bring its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The address mails link back to; requests are not always at hand (Celery, cron).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MUNICIPALITY_NAME = os.environ.get("MUNICIPALITY_NAME", "Gemeente Heusden")
# Where anyone using the portal can get its source code (AGPL-3.0-or-later, section 13: an
# operator who changes the code must offer the changed source). Shown in every page's footer.
SOURCE_CODE_URL = os.environ.get("SOURCE_CODE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "django_htmx",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "accounts",
    "initiatives",
    "residents",
    "staff",
    "neighbourhoods",  # the owners' side: platforms, their agenda, funds and applications
    "partners",  # a partner organisation's page for one dream, by its link (issue 17)
    "assemblies",  # a citizens' assembly's public pages and registration with a code (issue 18)
    "opendata",  # the open data API, its downloads and "Hoe doen we het?" (issue 19)
    "corsheaders",  # the open data API may be read by any web page (GET only)
    "ninja",  # its Swagger UI from its own static files at /api/v1/docs, not from a CDN
    "bench",  # the scale benchmark (make bench): its commands, never imported by the apps
]

MIDDLEWARE = [
    "log_request_id.middleware.RequestIDMiddleware",  # first: every later line has the id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, as its docs say
    # Before the session and CSRF middleware, so that it sees their cookies and takes them
    # off the public open-data answers (config/public_answers.py).
    "config.public_answers.NoCookiesOnPublicAnswers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): second factor done
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # turns a hit limit into RATELIMIT_VIEW
    "staff.audit.StaffAuditMiddleware",  # records staff views of personal data and changes
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.portal",
                "staff.context_processors.staff_access",
            ],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/ can replace
# Django's slower select template (templates/django/forms/widgets/select.html); text boxes,
# text areas and checkboxes are written in Python (config/form_renderer.py).
FORM_RENDERER = "config.form_renderer.PortalFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
LOGIN_URL = "residents:sign_in"
LOGIN_REDIRECT_URL = "residents:my_dreams"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign in with a password and a second factor (TOTP app). Never off in production.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Dromen.Doen"

# Brute force on password sign-in (staff, /beheer/): after AXES_FAILURE_LIMIT wrong tries
# the email address and the IP address are each locked for AXES_COOLOFF_MINUTES (429 page
# templates/axes_lockout.html). One-time links of residents are not counted (config/axes.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # AuthenticationForm's field and authenticate()'s argument
AXES_USERNAME_CALLABLE = "config.axes.username"
AXES_CLIENT_IP_CALLABLE = "config.axes.client_ip"
AXES_WHITELIST_CALLABLE = "config.axes.not_a_password_sign_in"
AXES_LOCKOUT_CALLABLE = "config.axes.lockout"  # renders templates/axes_lockout.html
AXES_HTTP_RESPONSE_CODE = 429
# Only failed tries are kept, and only until the cool-off ends: no log of every sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = True  # the administrator sees and removes lockouts at /beheer/axes/
AXES_VERBOSE = False

# One-time sign-in links for residents (django-sesame).
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "sesame"  # noqa: S105 - a query parameter name, not a secret
# The link in a status mail opens that one dream, to read and answer, for this many days
# (initiatives/tokens.py); it signs no one in.
DREAM_LINK_DAYS = int(os.environ.get("DREAM_LINK_DAYS", "60"))
# How long a partner's link to a dream works (issue 17); inviting again renews it.
PARTNER_LINK_DAYS = int(os.environ.get("PARTNER_LINK_DAYS", "30"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(60 * 60 * 8)))
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle time, not a fixed lifetime
# ...but an unchanged session is written back at most once a minute (config/sessions.py).
SESSION_ENGINE = "config.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    # Photos are private: never served from MEDIA_URL, only through views that check access.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Mail: SMTP when EMAIL_HOST is set, always; otherwise the local mailbox (/dev/mailbox/)
# when MAILBOX_ENABLED, which defaults to DEBUG; otherwise nowhere, which the system check
# config.E001 refuses (config/mail_settings.py decides, config/mail_checks.py checks).
MAIL_DESTINATION = mail_destination(
    debug=DEBUG,
    mailbox_enabled=env_bool("MAILBOX_ENABLED", None),
    email_host=os.environ.get("EMAIL_HOST", ""),
)
MAILBOX_ENABLED = MAIL_DESTINATION == MAILBOX
MAILBOX_DIR = Path(os.environ.get("MAILBOX_DIR", BASE_DIR / "var" / "mailbox"))
MAILERS = mailers_for(
    MAIL_DESTINATION,
    {
        "host": os.environ.get("EMAIL_HOST", "").strip(),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    },
)
# MAIL_BACKEND replaces the mailer class above with another email backend, for example a
# test double at the edge of the system (tests/initiatives/test_delivery.py).
if os.environ.get("MAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": os.environ["MAIL_BACKEND"]}}
# Quoted where needed: Django's SMTP backend refuses an unquoted "Dromen.Doen <...>".
DEFAULT_FROM_EMAIL = from_address(os.environ.get("DEFAULT_FROM_EMAIL"))
# A failed mail is tried again after this many seconds, doubling each time, 5 times
# (initiatives/outbox/dispatch.py).
MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
# How long a dispatch holds the mails it claimed; a killed worker's mails are sent by another
# dispatch after it. Keep it well above CELERY_TASK_TIME_LIMIT: a dispatch starts sends for
# at most half of it (and 20 s), and the holder must be done or dead before it ends.
MAIL_CLAIM_SECONDS = float(os.environ.get("MAIL_CLAIM_SECONDS", "120"))

# Celery. Without REDIS_URL tasks run in-process, so a newcomer needs no broker.
REDIS_URL = os.environ.get("REDIS_URL", "")

# The cache holds rate-limit counters: shared by every web process when Redis is there.
CACHES = cache_settings.caches(REDIS_URL)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # an unreachable cache is a warning in the log
# Limits on forms that send mail or store data, per IP address and per email address.
# Without a cache to count in, they let the request through (config/cache_settings.py).
RATELIMIT_VIEW = "residents.views.rate_limited"
RATELIMIT_FAIL_OPEN = True
# Per-IP limits count the client, not the reverse proxy (TRUSTED_PROXY_COUNT below).
RATELIMIT_IP_META_KEY = "config.proxy.ratelimit_ip"
SILENCED_SYSTEM_CHECKS = []
if not REDIS_URL:
    # The embedded default is one process: its own memory is the whole "shared" cache.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_SIGN_IN_PER_IP = os.environ.get("RATELIMIT_SIGN_IN_PER_IP", "20/h")
RATELIMIT_SIGN_IN_PER_ADDRESS = os.environ.get("RATELIMIT_SIGN_IN_PER_ADDRESS", "5/h")
RATELIMIT_DREAM_PER_IP = os.environ.get("RATELIMIT_DREAM_PER_IP", "20/h")
# The dream form's typed-address lookup (issue 18): each lookup per address.
RATELIMIT_ADDRESS_LOOKUP_PER_IP = os.environ.get("RATELIMIT_ADDRESS_LOOKUP_PER_IP", "60/h")
# A partner's link (issue 17): every use per address, and per link what is posted through it.
RATELIMIT_PARTNER_PER_IP = os.environ.get("RATELIMIT_PARTNER_PER_IP", "120/h")
RATELIMIT_PARTNER_PER_LINK = os.environ.get("RATELIMIT_PARTNER_PER_LINK", "30/h")
# Wrong registration codes for a citizens' assembly per IP address (right ones are not
# counted: neighbours registering together over one connection must not be stopped).
RATELIMIT_ASSEMBLY_CODE_PER_IP = os.environ.get("RATELIMIT_ASSEMBLY_CODE_PER_IP", "20/h")
# The open data API (issue 19): requests per IP address, the same for every endpoint and
# download; its answers are cached at most OPEN_DATA_CACHE_SECONDS
# (initiatives/open_data_version.py).
RATELIMIT_OPEN_DATA_PER_IP = os.environ.get("RATELIMIT_OPEN_DATA_PER_IP", "600/m")
OPEN_DATA_CACHE_SECONDS = int(os.environ.get("OPEN_DATA_CACHE_SECONDS", "120"))
# The staff dream list, search, triage queue and the list's options (initiatives/list_cache.py),
# and the pages of the dream workspace, the resident's dream page, "my dreams" and the home
# page (config/cached_pages.py), are cached per data version: read again after any write, and at
# least this often. 0: not cached. (Before issue 15's sixth round: STAFF_LIST_CACHE_SECONDS.)
DATA_CACHE_SECONDS = int(
    os.environ.get("DATA_CACHE_SECONDS", os.environ.get("STAFF_LIST_CACHE_SECONDS", "300"))
)
# No published figure counts fewer than this many dreams: a smaller count could point at one
# person (shown as "fewer than 5" / null in the API).
OPEN_DATA_MIN_COUNT = int(os.environ.get("OPEN_DATA_MIN_COUNT", "5"))
# Any web page may read the open data (issue 19), and only that, only with GET, without cookies.
CORS_URLS_REGEX = r"^/(api/|open-data/downloads/)"  # the API and the CSV/JSON downloads
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified")
# "memory://" without a host makes kombu warn "No hostname was supplied" at every start.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes the database connection around every task unless told to reuse it; the
# worker closes old or broken ones itself, as Django does per request (config/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
CELERY_TIMEZONE = TIME_ZONE
# Redis hands an unacknowledged task to another worker after this many seconds; every
# countdown must stay below it (checked when a worker starts, see config/celery.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A web request must not hang when Redis is away: the outbox row is written anyway
    # and beat's next dispatch sends it, so give up publishing quickly.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers and beat log through LOGGING above (one line per event, JSON in production),
# not through Celery's own handler and format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    # Sends what no commit's dispatch did: the broker was down, a worker was killed, a retry.
    "outbox-dispatch": {"task": "initiatives.tasks.outbox_dispatch", "schedule": 60.0},
    "silence-rule": {
        "task": "initiatives.tasks.silence_rule",
        "schedule": crontab(minute=0, hour=9),
    },
    "promises-check": {
        "task": "initiatives.tasks.promises_check",
        "schedule": crontab(minute=5, hour="8-17", day_of_week="mon-fri"),
    },
    # The weekly report reads each day counted once; the Monday build finds them ready.
    "report-days": {
        "task": "initiatives.report_tasks.report_days_count",
        "schedule": crontab(minute=20, hour=0),
    },
    "weekly-report": {
        "task": "initiatives.tasks.weekly_report",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "daily-digest": {
        "task": "initiatives.tasks.daily_digest",
        "schedule": crontab(minute=0, hour=17),
    },
    "retention": {
        "task": "initiatives.tasks.retention",
        "schedule": crontab(minute=30, hour=3),  # at night, when nobody works on dreams
    },
    # Exports: a stopped worker's export is tried again or marked failed; old files go.
    "exports-sweep": {"task": "initiatives.tasks.exports_sweep", "schedule": 60.0},
    # Other installations' stories ("Elders gelukt"): one task per peer, every half hour, so
    # a consent withdrawn there is gone here within about that time.
    "peers-fetch": {"task": "initiatives.peer_tasks.peers_fetch", "schedule": 30 * 60.0},
}

# Fetching other installations' stories feeds (initiatives/peer_feed.py). Seconds to connect,
# seconds any one read may wait, and seconds for the whole answer (a peer that sends a byte
# now and then must not hold a worker); at most this many bytes; all of these for the whole
# fetch, over at most PEER_FETCH_MAX_PAGES pages of the feed (its `next`, same server only).
PEER_FETCH_CONNECT_TIMEOUT_SECONDS = float(
    os.environ.get("PEER_FETCH_CONNECT_TIMEOUT_SECONDS", "5")
)
PEER_FETCH_READ_TIMEOUT_SECONDS = float(os.environ.get("PEER_FETCH_READ_TIMEOUT_SECONDS", "10"))
PEER_FETCH_TOTAL_SECONDS = float(os.environ.get("PEER_FETCH_TOTAL_SECONDS", "20"))
PEER_FETCH_MAX_BYTES = int(os.environ.get("PEER_FETCH_MAX_BYTES", str(1024 * 1024)))
PEER_FETCH_MAX_PAGES = int(os.environ.get("PEER_FETCH_MAX_PAGES", "4"))
# A peer's feed address must use https; plain http only when this is on (local trials: on by
# default when DEBUG is).
PEER_FEED_ALLOW_HTTP = env_bool("PEER_FEED_ALLOW_HTTP", DEBUG)
# A peer's feed must be on the internet: its name may not resolve to this machine or a private
# network (else adding a "peer" lets someone make this server read its neighbours), unless this
# is on (tests and trials with two installations on one machine).
PEER_FEED_ALLOW_PRIVATE = env_bool("PEER_FEED_ALLOW_PRIVATE", False)
# A peer not fetched without problems for this many days is not shown on "Elders gelukt":
# a consent withdrawn there could not reach this installation meanwhile. One day (48 failed
# half-hourly fetches): a resident who withdrew there must not stay on our page for a week.
PEER_STORIES_STALE_DAYS = int(os.environ.get("PEER_STORIES_STALE_DAYS", "1"))

# CSV exports of the dream list (initiatives/services/exports.py). A worker building one
# renews its lease every few seconds; a lease that runs out means the worker stopped
# (killed, out of memory), and the export is tried again or marked failed. Keep it above
# the longest pause between renewals: the first rows of a large query (seconds).
EXPORT_LEASE_SECONDS = float(os.environ.get("EXPORT_LEASE_SECONDS", "120"))
# A finished export's file is deleted this many hours after it was made.
EXPORT_KEEP_HOURS = float(os.environ.get("EXPORT_KEEP_HOURS", "24"))

# Service promises, in working days (weekends and Dutch public holidays skipped).
PROMISE_PICK_UP_WORKING_DAYS = int(os.environ.get("PROMISE_PICK_UP_WORKING_DAYS", "2"))
PROMISE_FIRST_CONTACT_WORKING_DAYS = int(os.environ.get("PROMISE_FIRST_CONTACT_WORKING_DAYS", "5"))
PROMISE_SILENCE_DAYS = int(os.environ.get("PROMISE_SILENCE_DAYS", "14"))

# Photos on a dream.
DREAM_PHOTO_MAX_COUNT = 5
DREAM_PHOTO_MAX_BYTES = 10 * 1024 * 1024

# Content Security Policy: nothing from elsewhere, no inline script without a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # /health/ answers over plain HTTP too: healthchecks and monitors must not get a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/live/$"]
    # The proxy that ends TLS says so in X-Forwarded-Proto. Only safe when nothing but that
    # proxy reaches the app (docker-compose.yml); DJANGO_BEHIND_TLS_PROXY=0 turns it off.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One line per event on standard error, JSON in production (config/logging.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = build_logging(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))
# Every log line of a request carries its id: the proxy's X-Request-ID when it sends one,
# otherwise a new one; the response tells it back, so a resident's report can be found.
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"

# Grants above this amount (euro) wait for a manager's approval; editable in the admin.
GRANT_APPROVAL_LIMIT = os.environ.get("GRANT_APPROVAL_LIMIT", "2500")

# Every log record goes through config/log_redaction.py: no address or token in any line.
LOGGING_CONFIG = "config.log_redaction.configure"

# Monitoring reads /health/details/ with "Authorization: Bearer <HEALTH_TOKEN>"; unset, the
# details page does not exist and only the public up/down answer at /health/ is there.
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")

# Privacy (AVG/GDPR). The personal data of a dream closed longer than RETENTION_MONTHS
# ago is removed by the nightly retention job; audit log entries go after
# AUDIT_RETENTION_MONTHS. Both are stated on the privacy page (/privacy/).
RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "12"))
AUDIT_RETENTION_MONTHS = int(os.environ.get("AUDIT_RETENTION_MONTHS", "24"))
# A citizens' assembly's pool (issue 18): names, addresses, email, phone and availability go
# this many days after the assembly ended (same job); the pseudonyms and the draws stay.
ASSEMBLY_RETENTION_DAYS = int(os.environ.get("ASSEMBLY_RETENTION_DAYS", "30"))
# A dream whose address was never confirmed, and an account that asked for a sign-in link
# and never used it, are removed after this many days.
UNFINISHED_SIGN_UP_DAYS = int(os.environ.get("UNFINISHED_SIGN_UP_DAYS", "7"))
# The staff dream list counts at most this many matches ("more than 10.000"): an exact count
# of a million dreams reads them all on every page view (initiatives/pagination.py).
DREAM_LIST_COUNT_CAP = int(os.environ.get("DREAM_LIST_COUNT_CAP", "10000"))
# A search shown best match first ranks only this many of the newest matches, and counts its
# matches up to this many: a common word must not make the database rank a fifth of all
# dreams (selectors.dream_list_page).
DREAM_SEARCH_CONSIDERED = int(os.environ.get("DREAM_SEARCH_CONSIDERED", "200"))
# Where residents ask about their data: named on the privacy page.
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@heusden.example")
# How many reverse proxies in front of the app add the client's address to
# X-Forwarded-For. 0 (the default): REMOTE_ADDR is the client and the header, which
# anyone can send, is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
