"""Routes of moderation's reports API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter

from moderation.api import report_views as views


def register(router: DefaultRouter) -> None:
    """Add the reports' viewsets to the project's router (basenames start with "api-")."""
    router.register("assessor-feedback", views.AssessorFeedbackViewSet, basename="api-assessor-feedback")
    router.register("pop-trends", views.PoPTrendViewSet, basename="api-pop-trend")
    router.register("joint-reports", views.JointReportViewSet, basename="api-joint-report")
