"""Settings for a developer's machine (`make run`)."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Development-only encryption keys (dev1 writes); production sets HNAP_FILE_KEYS.
HNAP_FILE_KEYS = env.list(
    "HNAP_FILE_KEYS",
    default=["dev1:KDE8gXjj8tExzGwaNpdwdIzOGKb99BdEjPV2fvVVdMo=", "dev0:PitcFUyf7hL-o1Fre-uggREyJwCrY4B1AQ72KXB48yY="],
)
