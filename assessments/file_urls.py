"""URLs of the assessor's file: drafts part by part, submission, versions and their PDF, documents (ASM-4, ASM-5)."""

from django.urls import path

from assessments.views import files

urlpatterns = [
    path("assessments/files/", files.FileListView.as_view(), name="file-list"),
    path("assessments/files/<int:pk>/", files.FileDetailView.as_view(), name="file-detail"),
    path("assessments/files/<int:pk>/edit/", files.FileEditView.as_view(), name="file-edit"),
    path("assessments/files/<int:pk>/submit/", files.FileSubmitView.as_view(), name="file-submit"),
    path("assessments/files/<int:pk>/documents/", files.FileDocumentsView.as_view(), name="file-documents"),
    path(
        "assessments/files/<int:pk>/document-issue/",
        files.FileDocumentIssueView.as_view(),
        name="file-document-issue",
    ),
    path(
        "assessments/files/<int:pk>/preparation-feedback/",
        files.FilePreparationFeedbackView.as_view(),
        name="file-preparation-feedback",
    ),
    path("assessments/file-versions/<int:pk>/", files.FileVersionDetailView.as_view(), name="fileversion-detail"),
    path("assessments/file-versions/<int:pk>/pdf/", files.FileVersionPdfView.as_view(), name="fileversion-pdf"),
    path(
        "assessments/task-documents/<int:pk>/download/",
        files.TaskDocumentDownloadView.as_view(),
        name="taskdocument-download",
    ),
]
