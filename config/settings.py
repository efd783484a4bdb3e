"""Trellis settings: one module, every deployment choice read from the environment.

Development needs no configuration at all (SQLite file in the project, tasks run at once,
e-mail printed to the console). Production sets the variables documented in docs/deploy.md.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TRELLIS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

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
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from its bundled static files, not a CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "trellis.core",
    "trellis.places",
    "trellis.organisations",
    "trellis.routes",
    "trellis.opportunities",
    "trellis.bids",
    "trellis.evaluation",
    "trellis.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "trellis.core.middleware.SecurityHeadersMiddleware",
    "trellis.core.middleware.TrellisErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trellis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trellis.core.context_processors.trellis",
            ],
        },
    }
]

# Database: DATABASE_URL selects it; the default is an SQLite file in the project.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trellis.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Directory searches are short queries; PostgreSQL's JIT compiler only slows them down (benchmarks/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail + password (+ optional TOTP) for staff and providers; a one-time
# code sent by e-mail for residents (and anyone who prefers it).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "login": "30/m/ip"}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Trellis] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Trellis"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
# Uploads live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env.str("TRELLIS_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
TRELLIS_MAX_UPLOAD_BYTES = env.int("TRELLIS_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

# Schemas and open data sets are read in place, never copied into the repo.
TRELLIS_SCHEMA_DIR = env.str("TRELLIS_SCHEMA_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "schemas"))

# E-mail: console in development; SMTP (EMAIL_URL) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trellis <no-reply@trellis.example.org>")

# Background tasks: Huey. SQLite-backed by default (tasks run at once unless a consumer is
# configured); REDIS_URL switches to Redis-backed Huey with any number of consumers.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "trellis",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=4), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "trellis",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": env.bool("TRELLIS_TASKS_IMMEDIATE", default=True),
    }

# Security (see ARCHITECTURE.md §7).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG and SITE_URL.startswith("https"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

TRELLIS_DEMO_PASSWORD = env.str("TRELLIS_DEMO_PASSWORD", default="northbridge-demo")
FORM_RENDERER = "trellis.core.forms.GovukFormRenderer"

# The service navigation: (label, URL name, who sees it: all | signed_in | signed_out | staff | commissioner).
TRELLIS_NAV = [
    ("Provider directory", "organisations:directory", "all"),
    ("Forward plan", "opportunities:forward_plan", "all"),
    ("Local sector profile", "sector_profile:default", "all"),
    ("Partner finder", "organisations:partner_requests", "all"),
    ("Consortia", "organisations:consortia", "all"),
    ("Full cost calculator", "bids:fcr", "all"),
    ("Choose a route", "routes:start", "staff"),
    ("Evidence to verify", "organisations:verification_queue", "commissioner"),
    ("Import", "organisations:import", "staff"),
    ("Your account", "core:dashboard", "signed_in"),
    ("Inbox", "core:inbox", "signed_in"),
    ("Sign in", "account_login", "signed_out"),
]
TRELLIS_PLACE_NAME = env.str("TRELLIS_PLACE_NAME", default="Northbridge")
# Sealed bids: when true, opening an opportunity's bids needs a second authority officer to confirm.
TRELLIS_BIDS_TWO_PERSON_OPENING = env.bool("TRELLIS_BIDS_TWO_PERSON_OPENING", default=False)
