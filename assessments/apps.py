from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Assessors (training, status, CPD, reviews, conflicts), allocation and bookings."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
