"""Routes of the assessments API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter

from assessments.api import file_views, views


def register(router: DefaultRouter) -> None:
    """Add the assessments app's viewsets to the project's router (basenames start with "api-": the pages
    already use names like assessor-list)."""
    router.register("assessors", views.AssessorViewSet, basename="api-assessor")
    router.register("assessments", views.AssessmentViewSet, basename="api-assessment")
    router.register("allocation-proposals", views.AllocationProposalViewSet, basename="api-allocation-proposal")
    router.register("assessment-files", file_views.AssessmentFileViewSet, basename="api-assessment-file")
    router.register("file-versions", file_views.FileVersionViewSet, basename="api-file-version")
    router.register("task-documents", file_views.TaskDocumentViewSet, basename="api-task-document")
    router.register("preparation-feedback", file_views.PreparationFeedbackViewSet, basename="api-preparation-feedback")
    router.register("results", file_views.ResultViewSet, basename="api-result")
