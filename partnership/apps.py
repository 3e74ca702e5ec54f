from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    """The Partnership's settings (national fee, nationally agreed standards) and the dashboards of aggregates,
    national and per RPA."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
