"""App config of the project package, which is also the Partnership layer."""

from django.apps import AppConfig


class HnapConfig(AppConfig):
    """The Partnership layer: users, RPAs, schools, PoPs, memberships, deadlines, audit."""

    name = "hnap"
    verbose_name = "HNAP Partnership"
    default_auto_field = "django.db.models.BigAutoField"
