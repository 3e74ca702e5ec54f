"""Settings for the test suite (`make test`): real PostgreSQL and Redis, fast hashing, captured email."""

from .base import *
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"
# MD5 makes the suite about three times faster; never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Separate Redis database so tests never touch a developer's cache or queue.
CACHES["default"]["KEY_PREFIX"] = "test"
# Development-only encryption keys (dev1 writes); production sets HNAP_FILE_KEYS.
HNAP_FILE_KEYS = [
    "dev1:KDE8gXjj8tExzGwaNpdwdIzOGKb99BdEjPV2fvVVdMo=",
    "dev0:PitcFUyf7hL-o1Fre-uggREyJwCrY4B1AQ72KXB48yY=",
]
# Uploaded files of the suite stay apart from a developer's.
MEDIA_ROOT = BASE_DIR / "var" / "test" / "private"
