"""The partnership app's API routes (the dashboards' figures)."""

from rest_framework.routers import DefaultRouter

from partnership.api import views


def register(router: DefaultRouter) -> None:
    """Add the dashboards' figures to the project's router (basenames start with "api-")."""
    router.register("partnership/dashboard", views.NationalDashboardViewSet, basename="api-partnership-dashboard")
    router.register("rpa-dashboard", views.RpaDashboardViewSet, basename="api-rpa-dashboard")
