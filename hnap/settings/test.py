"""Settings for the test suite (`make test`): real PostgreSQL and Redis, fast hashing, captured email."""

from .base import *

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
