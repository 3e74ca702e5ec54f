"""Routes of the assessments API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add the assessments app's viewsets to the project's router (basenames start with "api-")."""
