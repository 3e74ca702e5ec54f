from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    """Applications, eligibility, Standard 11 evidence and verification, payment, adjustments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
