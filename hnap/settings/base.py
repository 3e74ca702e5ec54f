"""Settings shared by every environment; everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def _required_url(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Run the product with `make run` or the tests with `make test` "
            f"(they start an embedded PostgreSQL and Redis), or set {name} to a real server."
        )
    return value


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "pghistory",
    "hnap",
    "candidates",
    "assessments",
    "moderation",
    "appeals",
    "partnership",
    "dataprotection",
    "transfers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and sign-in: /healthz must answer (503) when the database they read is down.
    "hnap.health.HealthzMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hnap.middleware.TwoFactorRequiredMiddleware",
    "hnap.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must be last: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hnap.urls"
WSGI_APPLICATION = "hnap.wsgi.application"

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
                "hnap.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db_url_config(_required_url("DATABASE_URL"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets two test runs share one server without sharing a test database.
DATABASES["default"]["TEST"] = {"NAME": env.str("HNAP_TEST_DATABASE_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _required_url("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "hnap.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in hardening: five failures for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"

OTP_TOTP_ISSUER = "hnap"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("HNAP_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
# Keys that encrypt uploaded evidence (hnap/files.py): "id:fernet-key" entries, the first one writes.
HNAP_FILE_KEYS = env.list("HNAP_FILE_KEYS", default=[])
# Days an employer-declaration link stays usable (REG-3).
HNAP_DECLARATION_LINK_DAYS = env.int("HNAP_DECLARATION_LINK_DAYS", default=14)
# The address people use to reach hnap, for links in emails (no trailing slash).
HNAP_BASE_URL = env.str("HNAP_BASE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hnap <no-reply@hnap.localhost>")

# Celery: JSON only, a task is acknowledged after it ran (a killed worker's task is redelivered),
# and every task has time limits. The beat schedule lives in hnap/celery.py.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that dies without acknowledging it (SIGKILL, power loss: reject_on_worker_lost only
# covers a pool child dying under a live worker) stays in Redis' unacked set and is given to another worker once
# it is this old. It must exceed the longest task (CELERY_TASK_TIME_LIMIT) and any countdown, or a running task
# would be handed out twice; the fault tests shorten it to see the redelivery within the suite's budget.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("HNAP_CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "hnap.api.schema.RefusalsAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hnap API",
    "DESCRIPTION": "HLTA assessment administration for the RPAs of the HLTA National Assessment Partnership.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # No request leaves the server: the online validator badge is off.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": False},
    # Choice sets named after their one home, where field names alone would collide ("kind", "state").
    "ENUM_NAME_OVERRIDES": {
        "ChangeKindEnum": "candidates.models.ChangeKind",
        "LineKindEnum": "candidates.models.LineKind",
        "EvidenceStateEnum": "candidates.models.EvidenceState",
        "DeadlineStateEnum": "hnap.models.DeadlineState",
        "FundingSourceEnum": "candidates.models.FundingSource",
        "StatusEnum": "candidates.models.CandidateStatus",
        "AssessorStatusEnum": "assessments.models.AssessorStatus",
        "AssessmentStateEnum": "assessments.models.AssessmentState",
        "QualityActionKindEnum": "assessments.models.QualityActionKind",
        "RatingEnum": "assessments.models.Rating",
        "FileStateEnum": "assessments.models.FileState",
        "DocumentKindEnum": "assessments.models.DocumentKind",
        "OutcomeEnum": "assessments.models.Outcome",
        "EnquiryStateEnum": "appeals.models.EnquiryState",
        "EnquiryChannelEnum": "appeals.models.EnquiryChannel",
        "LoggedChannelEnum": "appeals.models.LoggedChannel",
        "AppealStateEnum": "appeals.models.AppealState",
        "AppealDecisionEnum": "appeals.models.AppealDecision",
        # Named because AppealDecision is another "decision" (the schema's names would otherwise be hashes).
        "ScrutinyDecisionKindEnum": "assessments.models.ScrutinyDecisionKind",
        # The moderation day's API (issue 7): more "state" and "outcome" fields.
        "ModerationEventStateEnum": "moderation.models.EventState",
        "DecisionStateEnum": "moderation.models.DecisionState",
        "ReviewStateEnum": "moderation.models.ReviewState",
        "ReviewOutcomeEnum": "moderation.models.ReviewOutcome",
    },
}

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people get no object grants

FORM_RENDERER = "hnap.rendering.GovukFormRenderer"


HNAP_BEAT_STALE_AFTER = timedelta(minutes=env.int("HNAP_BEAT_STALE_MINUTES", default=3))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
