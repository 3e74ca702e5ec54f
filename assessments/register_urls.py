"""URLs of the assessor register and quality management."""

from django.urls import path

from assessments.views import register

urlpatterns = [
    path("assessors/", register.AssessorListView.as_view(), name="assessor-list"),
    path("assessors/new/", register.AssessorCreateView.as_view(), name="assessor-create"),
    path("assessors/<int:pk>/", register.AssessorDetailView.as_view(), name="assessor-detail"),
    path("assessors/<int:pk>/senior/", register.AssessorSeniorView.as_view(), name="assessor-senior"),
    path("assessors/<int:pk>/willing/", register.AssessorWillingView.as_view(), name="assessor-willing"),
    path("assessors/<int:pk>/training/", register.TrainingRecordView.as_view(), name="training-record"),
    path("assessors/<int:pk>/first-solo-qa/", register.FirstSoloQAView.as_view(), name="assessor-first-solo-qa"),
    path("assessors/<int:pk>/reviews/new/", register.ReviewCreateView.as_view(), name="review-create"),
    path(
        "assessors/<int:pk>/quality-actions/new/",
        register.QualityActionCreateView.as_view(),
        name="quality-action-create",
    ),
    path("assessors/<int:pk>/cpd/new/", register.CPDCreateView.as_view(), name="cpd-create"),
    path("assessors/<int:pk>/conflicts/new/", register.ConflictCreateView.as_view(), name="conflict-create"),
    path(
        "assessors/<int:pk>/unavailability/new/",
        register.UnavailabilityCreateView.as_view(),
        name="unavailability-create",
    ),
    path("unavailability/<int:pk>/delete/", register.UnavailabilityDeleteView.as_view(), name="unavailability-delete"),
    path("quality-actions/<int:pk>/", register.QualityActionDetailView.as_view(), name="quality-action-detail"),
    path("quality-actions/<int:pk>/close/", register.QualityActionCloseView.as_view(), name="quality-action-close"),
]
