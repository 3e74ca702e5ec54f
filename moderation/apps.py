from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Monthly moderation events, the sampling engine, decisions and the cascade, feedback, reports, peer review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
