from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Moving candidates, with their whole history, from one RPA to another (RISK-1)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "transfers"
