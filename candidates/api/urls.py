"""Routes of the candidates API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter

from candidates.api import views


def register(router: DefaultRouter) -> None:
    """Add the candidates app's viewsets to the project's router (basenames start with "api-": the pages
    already use names like candidate-list)."""
    router.register("candidates", views.CandidateViewSet, basename="api-candidate")
    router.register("level2-evidence", views.Level2EvidenceViewSet, basename="api-level2-evidence")
    router.register("courses", views.CourseViewSet, basename="api-course")
    router.register("change-reports", views.ChangeReportViewSet, basename="api-change-report")
    router.register("invoices", views.InvoiceViewSet, basename="api-invoice")
    router.register("regional-charges", views.RegionalChargeViewSet, basename="api-regional-charge")
    router.register("level2-qualifications", views.Level2QualificationViewSet, basename="api-level2-qualification")
