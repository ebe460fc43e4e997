"""Settings shared by every environment. Values that differ come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-kompetensfond")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    "djangosaml2",
    "django_tasks",
    "django_tasks_db",
    "kompetensfond.core",
    "kompetensfond.audit",
    "kompetensfond.organisation",
    "kompetensfond.funds",
    "kompetensfond.ledger",
    "kompetensfond.plans",
    "kompetensfond.applications",
    "kompetensfond.followup",
    "kompetensfond.allowances",
    "kompetensfond.reports",
    "kompetensfond.web",
    "kompetensfond.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kompetensfond.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kompetensfond.core.middleware.SessionRenewalMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",  # a SAML login's pending requests
    "kompetensfond.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kompetensfond.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kompetensfond.urls"
WSGI_APPLICATION = "kompetensfond.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kompetensfond.core.context_processors.tenant",
            ],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'var' / 'kompetensfond.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL's JIT compiles a query whose estimated cost is high: 60 ms spent compiling a
# list page's 80 ms search on the national dataset. Short web queries never gain from it.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# DATABASE_REPLICA_URL: a read replica of the same database; report pages and report APIs
# read from it (kompetensfond.core.replica). In the tests it mirrors the test database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
DATABASE_ROUTERS = ["kompetensfond.core.replica.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    # Local accounts. An OIDC or SAML backend is added to this list; see README "Login".
    "django.contrib.auth.backends.ModelBackend",
    # the municipality's own identity provider (OpenID Connect), when SSO_OIDC names one
    "kompetensfond.core.sso.MunicipalityOIDCBackend",
    # or its SAML 2 identity provider, when SSO_SAML names one (core/saml.py)
    "kompetensfond.core.saml.MunicipalitySaml2Backend",
]
# {"<municipality slug>": {"entity_id": …, "metadata": "<xml or path>", "roles": {…}}}
SSO_SAML = env.json("SSO_SAML", default={})
SAML_CONFIG_LOADER = "kompetensfond.core.saml.config_loader"
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "kompetensfond.core.saml.acs_failure"
SAML_SESSION_COOKIE_NAME = "kf_saml_session"
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default="")
# {"<municipality slug>": {"issuer": …, "client_id": …, "client_secret": …,
#  "roles_claim": "groups", "roles": {"<group>": "<role>"}, "label": …}} (core/sso.py)
SSO_OIDC = env.json("SSO_OIDC", default={})
LOGIN_REDIRECT_URL_FAILURE = "/logga-in/?sso=nekad"
OIDC_STORE_ID_TOKEN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: throttle failed logins per username and IP address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind n load balancers or reverse proxies, set TRUSTED_PROXY_COUNT=n: the client's
# address (for login throttling) and X-Request-ID are then taken from what they add.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "kompetensfond.core.middleware.client_ip"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kompetensfond.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=PROJECT_DIR / "var" / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = PROJECT_DIR / "var" / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kompetensfond.core.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kompetensfond.core.api_support.IsMunicipalityMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kompetensfond.core.api_support.LimitOffsetPagination",
    # JSON only; the staff file upload takes multipart itself (organisation/apis.py)
    "DEFAULT_PARSER_CLASSES": ["kompetensfond.core.api_support.JSONParser"],
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "kompetensfond.core.api_support.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kompetensfond API",
    "DESCRIPTION": "REST API for a municipal competence-development fund. "
    "Amounts are decimal strings, dates ISO 8601, errors {code, detail}.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BodyKindEnum": "kompetensfond.organisation.models.BodyKind",
        "UnitKindEnum": "kompetensfond.organisation.models.UnitKind",
    },
}

# Content-Security-Policy (django-csp 4): no third-party origins at all; scripts need a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Background work (staff imports, later PDFs and reminders): django-tasks with its database
# backend; `kompetensfond db_worker` runs the queue.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# The cache carries progress of background work across processes and outside transactions.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{PROJECT_DIR / 'var' / 'cache'}")}

FILE_UPLOAD_HANDLERS = [
    "kompetensfond.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
SESSION_ENGINE = "kompetensfond.core.sessions"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_MINUTES without a request: a request renews the session
# when its last renewal is a minute old (core.middleware.SessionRenewalMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
# List pages kept per session until the municipality's data changes (core.response_cache)
RESPONSE_CACHE = True
CSRF_FAILURE_VIEW = "kompetensfond.web.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="kompetensfond@localhost")
# The address users reach the app at, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "kompetensfond.core.logging.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
