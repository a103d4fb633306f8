"""Settings for Industry Brain, read from the environment.

Embedded default: SQLite file under ./var, eager background jobs, no Redis needed.
Production: DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, DEBUG=0, ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IB_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)

# The key once committed for local development. It is public, so it signs nothing: with DEBUG=0 the platform
# refuses to start on it (or on any "django-insecure" key).
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-change-me-0123456789abcdef"


def installation_secret_key(path: Path) -> str:
    """This installation's own key: SECRET_KEY from the environment, else the key kept in var/secret_key,
    generated on first start (readable by the owner only). Several web machines share one key through
    SECRET_KEY or a shared file (docs/deployment.md)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    import secrets

    if not path.exists():
        # Written to a private temporary file, then linked into place: processes starting together (web
        # workers, the test runner's workers) never read a half-written key, and the first link wins.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(64) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path.name} holds no usable secret key; remove it to generate a new one.")
    return key


SECRET_KEY = installation_secret_key(Path(os.environ.get("SECRET_KEY_FILE", VAR_DIR / "secret_key")))
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is the public development key; set this installation's own key "
                               "(unset SECRET_KEY to generate one in var/secret_key).")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "industry_brain.core",
    "industry_brain.accounts",
    "industry_brain.enterprises",
    "industry_brain.chains",
    "industry_brain.projects",
    "industry_brain.demands",
    "industry_brain.cultivation",
    "industry_brain.factories",
    "industry_brain.supply",
    "industry_brain.matchmaking",
    "industry_brain.brains",
    "industry_brain.monitoring",
    "industry_brain.policies",
    "industry_brain.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "industry_brain.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "industry_brain.core.middleware.ActorMiddleware",
    "industry_brain.core.middleware.WriteConflictMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "industry_brain.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "industry_brain.urls"
WSGI_APPLICATION = "industry_brain.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "industry_brain.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL (as an env file or a unit may leave it) means the embedded default, like an unset one.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'industry_brain.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the page server read while a job writes. Writers take the write lock when their transaction
    # begins (IMMEDIATE) and wait up to 20 s for it: a deferred transaction that reads first and then writes
    # cannot wait (SQLite answers "database is locked" at once to avoid a deadlock), an immediate one can.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Planner settings of the platform's sessions (docs/decisions.md): the working set sits in memory or on SSD,
    # so random reads cost little more than sequential ones, and on a small server one page request should not
    # take every core with parallel workers. PG_SESSION_OPTIONS replaces them ("" keeps the server's settings).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "PG_SESSION_OPTIONS", "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SERIALIZATION_MODULES = {"ibjsonl": "industry_brain.core.backup_format"}  # manage.py backup / restore

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes): 5 failures per user name lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
# Locked per user name, not per address: a bureau's intranet puts many users behind one NAT address, and
# locking an address would lock out a whole office (docs/decisions.md).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "industry_brain.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["industry_brain.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded attachments and evidence: outside every public URL, served only through core.files (sign-in and scope).
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", VAR_DIR / "private"))
FILE_UPLOAD_MAX_BYTES = int(os.environ.get("FILE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# With nginx in front: "/protected/" makes the proxy send checked files itself (deploy/nginx/industry-brain.conf).
FILES_X_ACCEL_PREFIX = os.environ.get("FILES_X_ACCEL_PREFIX", "")
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True

# Security: secure by default; cookie and TLS switches follow the environment so that a plain-HTTP
# intranet demo works and production passes `manage.py check --deploy`.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "industry_brain.core.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["industry_brain.core.inputs.BoundedJSONParser",
                               "rest_framework.parsers.FormParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "industry_brain.core.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
def _choice_enum_names(exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """`<Name>Enum` → the choices class, for every TextChoices/IntegerChoices class in an app's choices.py (a name
    two apps share is prefixed with the app), so that drf-spectacular never has to invent "Status73dEnum"."""
    import re

    names: dict[str, str] = {}
    pattern = re.compile(r"^class (\w+)\((?:models\.)?(?:TextChoices|IntegerChoices)\)", re.M)
    root = Path(__file__).resolve().parent
    for path in sorted([*root.glob("*/choices.py"), *root.glob("*/models.py")]):
        app = path.parent.name
        module = "choices" if path.name == "choices.py" else "models"
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            target = f"industry_brain.{app}.{module}.{name}"
            if target in exclude:
                continue
            key = f"{name}Enum" if f"{name}Enum" not in names else f"{app.title()}{name}Enum"
            names[key] = target
    return names


SPECTACULAR_SETTINGS = {
    "TITLE": "Industry Brain API",
    "DESCRIPTION": "产业大脑 — API of the city Economy and Information Bureau platform (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One stable OpenAPI name per choice set, whatever field it appears in: every choices class of every app
    # (`_choice_enum_names`), then the names kept from before.
    "ENUM_NAME_OVERRIDES": {
        **_choice_enum_names(exclude=(
            "industry_brain.projects.choices.WarningLevel", "industry_brain.projects.choices.SupervisionLevel",
            "industry_brain.projects.choices.SupervisionStatus", "industry_brain.projects.choices.KeyLevel",
            "industry_brain.enterprises.choices.RecognitionLevel", "industry_brain.chains.choices.ChainMasterStatus",
            "industry_brain.demands.choices.DemandStatus", "industry_brain.demands.choices.CoHandlingStatus",
            "industry_brain.demands.choices.AlertStatus", "industry_brain.demands.choices.Channel",
            "industry_brain.enterprises.choices.ReadChannel")),
        "WarningLevelEnum": "industry_brain.projects.choices.WarningLevel",
        "SupervisionLevelEnum": "industry_brain.projects.choices.SupervisionLevel",
        "SupervisionStatusEnum": "industry_brain.projects.choices.SupervisionStatus",
        "KeyLevelEnum": "industry_brain.projects.choices.KeyLevel",
        "RecognitionLevelEnum": "industry_brain.enterprises.choices.RecognitionLevel",
        "ChainMasterStatusEnum": "industry_brain.chains.choices.ChainMasterStatus",
        "DemandStatusEnum": "industry_brain.demands.choices.DemandStatus",
        "CoHandlingStatusEnum": "industry_brain.demands.choices.CoHandlingStatus",
        "AlertStatusEnum": "industry_brain.demands.choices.AlertStatus",
        "DemandChannelEnum": "industry_brain.demands.choices.Channel",
        "ReadChannelEnum": "industry_brain.enterprises.choices.ReadChannel",
    },
    "DISABLE_ERRORS_AND_WARNINGS": True,
    # Every operation documents its error answers (400/401/403/404/409/429) with their bodies.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "industry_brain.core.api_schema.add_error_responses"],
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Excel uploads above this many rows run as background jobs, checked and written in chunks (core.imports).
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "2000"))
IMPORT_CHUNK_ROWS = int(os.environ.get("IMPORT_CHUNK_ROWS", "500"))
# A running import job without a sign of its worker for this long has lost it: shown and recorded as failed.
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "600"))
# Tier evaluation runs whose stored rows are kept (the latest N); older runs keep only their counts (cultivation).
CULTIVATION_KEEP_RUNS = int(os.environ.get("CULTIVATION_KEEP_RUNS", "3"))
CELERY_BEAT_SCHEDULE = {
    # Warning rules over all projects, every morning before office hours.
    "evaluate-project-warnings": {"task": "projects.evaluate_warnings", "schedule": crontab(hour=6, minute=0)},
    # Overdue demands escalate (district, then city) and the statistics tables are refreshed.
    "escalate-overdue-demands": {"task": "demands.escalate_overdue", "schedule": crontab(minute=15)},
    "refresh-demand-stats": {"task": "demands.refresh_stats", "schedule": crontab(minute=30)},
    # The ecosystem overview's pre-aggregated member counts (the chain maps themselves are live).
    "refresh-chain-stats": {"task": "chains.refresh_stats", "schedule": crontab(minute=45)},
    # Each firm's stored input summary (the chain page's supply panel), rebuilt from the supply links.
    "refresh-supply-inputs": {"task": "supply.refresh_inputs", "schedule": crontab(minute=50)},
    # Tier recognitions past their end date stop counting (highest valid tier recomputed).
    "expire-recognitions": {"task": "enterprises.expire_recognitions", "schedule": crontab(hour=5, minute=30)},
    "matchmaking-daily": {"task": "matchmaking.daily", "schedule": crontab(hour=6, minute=20)},
    "refresh-brains": {"task": "brains.refresh_all", "schedule": crontab(hour=3, minute=40)},
    # Import jobs whose worker died (no heartbeat for IMPORT_STALE_SECONDS) are marked failed.
    "fail-stale-import-jobs": {"task": "core.import_jobs_fail_stale", "schedule": crontab(minute="*/5")},
    # Tier cultivation: every firm against every tier once a year (1 March, the application year's figures are in),
    # and the daily re-review reminders for titles entering their last 180 days.
    "cultivation-evaluate-all": {"task": "cultivation.evaluate_all",
                                 "schedule": crontab(month_of_year=3, day_of_month=1, hour=2, minute=0)},
    "cultivation-rereview-reminders": {"task": "cultivation.rereview_reminders",
                                       "schedule": crontab(hour=6, minute=50)},
}

# Optional end-to-end check of beat and worker: HEARTBEAT_SECONDS=N schedules core.heartbeat every N seconds.
if os.environ.get("HEARTBEAT_SECONDS"):
    CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {"task": "core.heartbeat",
                                                "schedule": float(os.environ["HEARTBEAT_SECONDS"])}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Demo data banner and passwords.
DEMO_DATA_NOTICE = _("All data shown are synthetic demo data, not official statistics.")
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "IndustryBrain#2026")

# Where the district boundary file lives; deployments may point this at their own file.
DISTRICT_BOUNDARIES_PATH = Path(
    os.environ.get("DISTRICT_BOUNDARIES_PATH", BASE_DIR / "core" / "data" / "hangzhou-districts.geojson"))
