"""childcop settings: one module, read from the environment through typed helpers.

Every default is the *embedded* one, so a fresh checkout runs with nothing else
installed: SQLite under var/, kombu's filesystem broker under var/, console email.
Set DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL for PostgreSQL, Redis and SMTP.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CHILDCOP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# environ's bool parser silently turns typos into False; be strict instead.
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


DEV_SECRET_KEY = "django-insecure-childcop-development-only"  # noqa: S105 — refused in production

DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("CHILDCOP_TESTING", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
# Production refuses the development secret: the web server, the worker and beat do not
# start with it, and `manage.py check --deploy` fails (childcop/checks.py). Offline commands such as
# `makemigrations --check` still run, so tooling does not need the production secret.
DEV_SECRET_IN_PRODUCTION = not DEBUG and not TESTING and SECRET_KEY == DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("CHILDCOP_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "childcop.accounts",
    "childcop",
    "communities",
    "sponsorship",
    "practice_groups",
    "value_stories",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "childcop.middleware.SecurityHeadersMiddleware",
    "childcop.middleware.TimeZoneMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "childcop.urls"
WSGI_APPLICATION = "childcop.wsgi.application"

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
                "childcop.context_processors.roles",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'childcop.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Passwords: at least 12 characters (ASVS 2.1.1), none of Django's list of common passwords.
# allauth's forms show the validators' help text (templates/account/, "password_help").
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "childcop.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "childcop.accounts.forms.SignupProfileForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[childcop] "
# Sign-up fits an organisation: in production people sign up themselves only with an address
# of the organisation's domains (closed while none are configured; childcop.accounts.adapter
# enforces it), and whenever sign-up is open the address must be verified before the first
# sign-in, which also lets sign-up answer alike for known and unknown addresses (allauth's
# enumeration prevention needs mandatory verification). Development (DJANGO_DEBUG=1) keeps
# sign-up open to any address, with the verification link printed by the console mail.
CHILDCOP_SIGNUP_EMAIL_DOMAINS = [
    d.lower().lstrip("@") for d in env_list("CHILDCOP_SIGNUP_EMAIL_DOMAINS")
]
CHILDCOP_SIGNUP_OPEN = env_bool(
    "CHILDCOP_SIGNUP_OPEN", DEBUG or bool(CHILDCOP_SIGNUP_EMAIL_DOMAINS)
)
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "CHILDCOP_EMAIL_VERIFICATION", default="mandatory" if CHILDCOP_SIGNUP_OPEN else "optional"
)
if CHILDCOP_SIGNUP_OPEN and ACCOUNT_EMAIL_VERIFICATION != "mandatory":
    raise ImproperlyConfigured(
        "CHILDCOP_EMAIL_VERIFICATION must be 'mandatory' while sign-up is open "
        "(set CHILDCOP_SIGNUP_OPEN=0 to close it)."
    )
ACCOUNT_PREVENT_ENUMERATION = True

# --- Email: console by default, SMTP (or anything) through EMAIL_URL.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="childcop <childcop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: our own under static/, Bootstrap from node_modules (installed at setup).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production defaults; `manage.py check --deploy` is clean with them).
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy and Permissions-Policy on every page (childcop/middleware.py, which
# also keeps signed-in pages and exports out of every cache). Nothing inline: scripts and
# styles come from static/ only; SVG charts use presentation attributes, not style="…".
CHILDCOP_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
CHILDCOP_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics",
    )
}  # fmt: skip

# --- Celery: kombu's filesystem transport by default (works across processes on one
# machine), Redis when CELERY_BROKER_URL is set. Beat reads the database schedule.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- Product settings
CHILDCOP_PAGE_SIZE = env.int("CHILDCOP_PAGE_SIZE", default=25)
# Participation levels from behaviour (see communities/participation.py).
CHILDCOP_PARTICIPATION_WINDOW_DAYS = env.int("CHILDCOP_PARTICIPATION_WINDOW_DAYS", default=90)
# Shares (percent) of the community's activities a member took part in, per level.
CHILDCOP_PARTICIPATION_ACTIVE = env.int("CHILDCOP_PARTICIPATION_ACTIVE", default=50)
CHILDCOP_PARTICIPATION_OCCASIONAL = env.int("CHILDCOP_PARTICIPATION_OCCASIONAL", default=25)
CHILDCOP_PARTICIPATION_PERIPHERAL = env.int("CHILDCOP_PARTICIPATION_PERIPHERAL", default=1)
# A launch with no progress for this many days is flagged as stalled.
CHILDCOP_LAUNCH_STALLED_DAYS = env.int("CHILDCOP_LAUNCH_STALLED_DAYS", default=14)
# --- Health checks, indicators and flags (communities/health/).
# A health check is due this often (months: 3 = quarterly) ...
CHILDCOP_HEALTH_CHECK_EVERY_MONTHS = env.int("CHILDCOP_HEALTH_CHECK_EVERY_MONTHS", default=3)
# ... core members have this many days to answer one once it is opened ...
CHILDCOP_HEALTH_CHECK_ANSWER_DAYS = env.int("CHILDCOP_HEALTH_CHECK_ANSWER_DAYS", default=21)
# ... and those who have not answered get their one reminder once the answer date is this
# many days away or nearer (not as soon as the check opens).
CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE = env.int(
    "CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE", default=7
)
# ... and "health check overdue" is flagged when none was opened for this many days.
CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS = env.int("CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS", default=120)
# "No value-creation story" is flagged when none was shared for this many days.
CHILDCOP_FLAG_NO_STORY_DAYS = env.int("CHILDCOP_FLAG_NO_STORY_DAYS", default=90)
# "Participation falling" is flagged when distinct attendees over the last
# CHILDCOP_PARTICIPATION_WINDOW_DAYS fell by more than this share (percent) against
# the window before.
CHILDCOP_FLAG_PARTICIPATION_DROP = env.int("CHILDCOP_FLAG_PARTICIPATION_DROP", default=25)
# "Leader neglect" includes a coordinator who has attended nothing for this many days.
CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS = env.int(
    "CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS", default=60
)
# The monthly report and the status refresh work through communities in batches of this
# size: a constant number of queries per batch.
CHILDCOP_HEALTH_BATCH_SIZE = env.int("CHILDCOP_HEALTH_BATCH_SIZE", default=200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

FORM_RENDERER = "childcop.forms.BootstrapRenderer"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour: links typed without a scheme get https
FORMAT_MODULE_PATH = ["childcop.formats"]
