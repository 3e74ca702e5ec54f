"""Routes of the moderation day's API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter

from moderation.api import views


def register(router: DefaultRouter) -> None:
    """Add the moderation day's viewsets to the project's router (basenames start with "api-")."""
    router.register("moderation-events", views.ModerationEventViewSet, basename="api-moderation-event")
    router.register("sample-entries", views.SampleEntryViewSet, basename="api-sample-entry")
    router.register("moderation-decisions", views.ModerationDecisionViewSet, basename="api-moderation-decision")
    router.register("review-pending", views.ReviewPendingViewSet, basename="api-review-pending")
