from django.apps import AppConfig


class AppealsConfig(AppConfig):
    """Enquiries to RPAs and candidates' appeals, referrals to the Partnership and its review panels."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "appeals"
