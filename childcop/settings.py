"""childcop settings: one module, read from the environment through typed helpers.

Every default is the *embedded* one, so a fresh checkout runs with nothing else
installed: SQLite under var/, kombu's filesystem broker under var/, console email.
Set DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL for PostgreSQL, Redis and SMTP.
"""

import hashlib
import ipaddress
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from childcop.accounts.saml_config import saml_apps

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
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "childcop.accounts",
    "childcop.api",
    "childcop",
    "communities",
    "sponsorship",
    "practice_groups",
    "value_stories",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditAddressMiddleware",
    "childcop.middleware.SecurityHeadersMiddleware",
    "childcop.middleware.DatabaseUnavailableMiddleware",
    "childcop.warming.WarmAfterWritesMiddleware",
    "childcop.middleware.TimeZoneMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "childcop.accounts.middleware.ProviderUnreachableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "childcop.middleware.TwoStepSignInMiddleware",
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
            # Seconds a writer waits for another's write lock before the request answers
            # the "busy, try again" page (503): never "database is locked".
            "timeout": env.float("DATABASE_SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A connection that broke (the database restarted) is replaced at the next request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    # A database that does not answer fails the request within seconds (the 503 page), and
    # no statement holds a web process longer than DATABASE_STATEMENT_TIMEOUT milliseconds.
    # Celery's worker and beat use DATABASE_WORKER_STATEMENT_TIMEOUT instead (childcop/celery.py).
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT', default=15000)}"
    )
DATABASE_WORKER_STATEMENT_TIMEOUT = env.int("DATABASE_WORKER_STATEMENT_TIMEOUT", default=600000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
# Both refuse a password sign-in while it is off, but for break-glass accounts (below).
AUTHENTICATION_BACKENDS = [
    "childcop.accounts.backends.ModelBackend",
    "childcop.accounts.backends.AuthenticationBackend",
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
# Two-step sign-in (allauth's MFA): authenticator apps (TOTP), recovery codes, security keys
# and passkeys (WebAuthn, which needs a secure context: https, or http://localhost in
# development). Program admins, and staff in the Django admin, must use it
# (childcop.permissions.two_step, enforced by childcop.middleware.TwoStepSignInMiddleware);
# everyone else may turn it on from their profile. A passkey signs in without a password.
MFA_ADAPTER = "childcop.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env.str("CHILDCOP_TOTP_ISSUER", default="childcop")
MFA_FORMS = {
    "authenticate": "childcop.accounts.two_step.SecondStepForm",
    "reauthenticate": "childcop.accounts.two_step.ConfirmSecondStepForm",
    "activate_totp": "childcop.accounts.two_step.SetUpAuthenticatorAppForm",
    "add_webauthn": "childcop.accounts.two_step.AddSecurityKeyForm",
}

# --- Single sign-on: the organisation's OpenID Connect provider (Microsoft Entra ID, Google
# Workspace, Okta, Keycloak, ...) through allauth, configured here from the environment. The
# login page shows its button first. People are matched by the verified email the provider
# sends; someone new gets an account only with an address of the allowed domains
# (CHILDCOP_SIGNUP_EMAIL_DOMAINS and the admin's invitation domains).
CHILDCOP_OIDC_SERVER_URL = env.str("CHILDCOP_OIDC_SERVER_URL", default="").rstrip("/")
CHILDCOP_OIDC_CLIENT_ID = env.str("CHILDCOP_OIDC_CLIENT_ID", default="")
CHILDCOP_OIDC_CLIENT_SECRET = env.str("CHILDCOP_OIDC_CLIENT_SECRET", default="")
CHILDCOP_OIDC_BUTTON = env.str("CHILDCOP_OIDC_BUTTON", default="Sign in with your organisation")
if CHILDCOP_OIDC_SERVER_URL and not CHILDCOP_OIDC_CLIENT_ID:
    raise ImproperlyConfigured("CHILDCOP_OIDC_SERVER_URL is set: set CHILDCOP_OIDC_CLIENT_ID too.")

# --- Single sign-on through SAML 2.0 (allauth's SAML provider, python3-saml): the
# organisation's identity provider given by its metadata URL, or by its sign-in URL and
# signing certificate (childcop/accounts/saml_config.py). Its button is shown on the login
# page like the OpenID Connect one (both when both are set), and the same rules hold.
CHILDCOP_SAML_BUTTON = env.str("CHILDCOP_SAML_BUTTON", default="Sign in with your organisation")
CHILDCOP_SAML_APPS = saml_apps(
    idp_entity_id=env.str("CHILDCOP_SAML_IDP_ENTITY_ID", default=""),
    idp_metadata_url=env.str("CHILDCOP_SAML_IDP_METADATA_URL", default=""),
    idp_sso_url=env.str("CHILDCOP_SAML_IDP_SSO_URL", default=""),
    idp_x509_cert=env.str("CHILDCOP_SAML_IDP_X509_CERT", default=""),
    sp_entity_id=env.str("CHILDCOP_SAML_SP_ENTITY_ID", default=""),
    button=CHILDCOP_SAML_BUTTON,
    # The identity provider is the organisation's directory: the address it asserts counts
    # as verified, unless this is off (then only an `email_verified` attribute true does).
    email_verified=env_bool("CHILDCOP_SAML_EMAIL_VERIFIED", True),
    attributes={
        field: env_list(f"CHILDCOP_SAML_{field.upper()}_ATTRIBUTE")
        for field in ("email", "first_name", "last_name", "name", "uid")
    },
)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "organisation",
                "name": CHILDCOP_OIDC_BUTTON,
                "client_id": CHILDCOP_OIDC_CLIENT_ID,
                "secret": CHILDCOP_OIDC_CLIENT_SECRET,
                "settings": {"server_url": CHILDCOP_OIDC_SERVER_URL},
            }
        ]
        if CHILDCOP_OIDC_SERVER_URL
        else [],
    },
    "saml": {
        # allauth's, reading the asserted address as verified when the configuration says so.
        "provider_class": "childcop.accounts.saml.OrganisationSAMLProvider",
        "APPS": CHILDCOP_SAML_APPS,
    },
}
SOCIALACCOUNT_ADAPTER = "childcop.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # only addresses the provider verified are used
SOCIALACCOUNT_STORE_TOKENS = False
# Password sign-in off: only break-glass accounts (a flag program admins set in the admin)
# sign in with a password, for when the organisation's sign-in is down; everyone else uses
# the provider's button, and self sign-up with a password is closed.
CHILDCOP_PASSWORD_SIGNIN = env_bool("CHILDCOP_PASSWORD_SIGNIN", True)

# --- Sign-in limits (allauth's rate limits), counted in the shared cache below, so every web
# process sees the same counts. Sized for an organisation: a whole office signs in from one
# address (300 people in a minute succeed), while guessing one account's password stops
# after a few tries. Written in allauth's syntax: amount/period/(ip|key), key = the email.
_RATE = re.compile(r"^\d+/\d*[smhd]/(ip|key)$")


def env_rate(name: str, default: str) -> str:
    value = env.str(name, default=default)
    if not all(_RATE.match(part.strip()) for part in value.split(",")):
        raise ImproperlyConfigured(f"{name} must look like '60/m/ip,5/5m/key', not {value!r}")
    return value


ACCOUNT_RATE_LIMITS = {
    # Every sign-in attempt from one address.
    "login": env_rate("CHILDCOP_SIGNIN_RATE", "600/m/ip"),
    # Failed sign-ins: from one address, and for one account (whatever the address).
    "login_failed": env_rate("CHILDCOP_SIGNIN_FAILED_RATE", "60/m/ip,5/5m/key"),
}
# Reverse proxies the organisation runs (addresses or networks, comma-separated): only from
# them is X-Forwarded-For believed, to tell who is signing in (childcop/accounts/client_ip.py).
try:
    CHILDCOP_TRUSTED_PROXIES = [
        ipaddress.ip_network(p, strict=False) for p in env_list("CHILDCOP_TRUSTED_PROXIES")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"CHILDCOP_TRUSTED_PROXIES: {error}") from error

# --- Cache: shared by every process. The embedded default is a file cache under var/ (one
# machine; childcop/cache.py makes its locks atomic); set CACHE_URL for Redis in production,
# e.g. redis://127.0.0.1:6379/1. A per-process memory cache would give each web worker its
# own sign-in counts: `check --deploy` refuses it (childcop/checks.py).
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    CACHES["default"]["BACKEND"] = "childcop.cache.FileCache"
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)


def _release() -> str:
    """A digest of the product's own code and templates. Cached values and rendered
    fragments are keyed by what they show, not by the code that drew them: under this
    prefix, a new release never serves what the previous one computed or rendered."""
    digest = hashlib.blake2b(digest_size=6)
    for folder in ("childcop", "communities", "sponsorship", "practice_groups", "value_stories",
                   "audit", "templates"):  # fmt: skip
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


# Several sites on one Redis: a prefix of each site's own; then the release's.
CACHES["default"]["KEY_PREFIX"] = ":".join(
    part for part in (env.str("CACHE_KEY_PREFIX", default=""), _release()) if part
)

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
# Uploaded files (kept by `manage.py backup` with the database).
MEDIA_ROOT = env.str("CHILDCOP_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
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
    # acks_late: a job's message stays in Redis until the job ends. A worker killed in the
    # middle of a job (SIGKILL, out of memory, the machine gone) never acknowledges it, so
    # Redis delivers it again after the visibility timeout: longer than the longest job
    # (time limit 1800 s) so that a running job is never delivered twice, short enough that
    # a lost one comes back within the hour. Every job is safe to run again (childcop.mail).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2400),
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
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
# The reporting API (childcop/api/): rows per page unless ?page_size= says (at most 500).
CHILDCOP_API_PAGE_SIZE = env.int("CHILDCOP_API_PAGE_SIZE", default=100)
if not 1 <= CHILDCOP_API_PAGE_SIZE <= 500:
    raise ImproperlyConfigured("CHILDCOP_API_PAGE_SIZE must be between 1 and 500.")

# Django REST framework: JSON only (the documentation page is ours, under the strict CSP),
# personal access tokens (Authorization: Bearer), read only.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["childcop.api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "childcop reporting API",
    "DESCRIPTION": (
        "Read-only figures of the program of communities of practice, as the token's owner "
        "may see them on the pages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
# How long the audit log keeps an entry (the daily purge deletes older ones): two years.
CHILDCOP_AUDIT_RETENTION_DAYS = env.int("CHILDCOP_AUDIT_RETENTION_DAYS", default=730)
if CHILDCOP_AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("CHILDCOP_AUDIT_RETENTION_DAYS must be at least 1.")
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
# A web request that writes to a few communities computes again what their pages show,
# once its view has answered (childcop.warming); off, the next view computes it.
CHILDCOP_WARM_AFTER_WRITES = env_bool("CHILDCOP_WARM_AFTER_WRITES", True)
# "Participation falling" is flagged when distinct attendees over the last
# CHILDCOP_PARTICIPATION_WINDOW_DAYS fell by more than this share (percent) against
# the window before.
CHILDCOP_FLAG_PARTICIPATION_DROP = env.int("CHILDCOP_FLAG_PARTICIPATION_DROP", default=25)
# "Leader neglect" includes a coordinator who has attended nothing for this many days.
CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS = env.int(
    "CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS", default=60
)
# --- Retention, drifting regulars and the landscape of practice (communities/landscape/).
# A regular (core group, or active over the window before) who took part in nothing for
# this many weeks is drifting.
CHILDCOP_DRIFT_WEEKS = env.int("CHILDCOP_DRIFT_WEEKS", default=8)
# "Regulars drifting" is flagged when more than this share (percent) of the regulars drift.
CHILDCOP_FLAG_DRIFTING_SHARE = env.int("CHILDCOP_FLAG_DRIFTING_SHARE", default=25)
# "Core group shrinking" is flagged when the core group is smaller than it was
# CHILDCOP_PARTICIPATION_WINDOW_DAYS ago by more than this share (percent).
CHILDCOP_FLAG_CORE_SHRINK = env.int("CHILDCOP_FLAG_CORE_SHRINK", default=25)
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
