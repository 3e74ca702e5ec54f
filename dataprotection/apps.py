from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """Data protection: subject-access exports, retention, re-encryption under a new key and the breach register."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dataprotection"
