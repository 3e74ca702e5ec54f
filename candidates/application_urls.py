"""URLs of the application side (PoP pages, public employer declaration, courses, Level 2 list)."""

from django.urls import path

from candidates.views import applications as views

urlpatterns = [
    path("candidates/new/", views.CandidateCreateView.as_view(), name="candidate-create"),
    path("candidates/import/", views.CandidateImportView.as_view(), name="candidate-import"),
    path("candidates/import/template.csv", views.ImportTemplateView.as_view(), name="candidate-import-template"),
    path("candidates/<int:pk>/edit/", views.CandidateUpdateView.as_view(), name="candidate-update"),
    path("candidates/<int:pk>/submit/", views.CandidateSubmitView.as_view(), name="candidate-submit"),
    path("candidates/<int:pk>/change-reports/new/", views.ChangeReportCreateView.as_view(), name="changereport-create"),
    path("candidates/<int:pk>/declaration/", views.DeclarationRequestView.as_view(), name="declaration-request"),
    path("candidates/<int:pk>/evidence/new/", views.EvidenceUploadView.as_view(), name="evidence-upload"),
    path("employer-declaration/<str:token>/", views.DeclarationPublicView.as_view(), name="declaration-public"),
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/new/", views.CourseCreateView.as_view(), name="course-create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<int:pk>/edit/", views.CourseUpdateView.as_view(), name="course-update"),
    path("level2-qualifications/", views.QualificationListView.as_view(), name="qualification-list"),
    path("level2-qualifications/new/", views.QualificationFormView.as_view(), name="qualification-create"),
    path("level2-qualifications/<int:pk>/edit/", views.QualificationFormView.as_view(), name="qualification-update"),
]
