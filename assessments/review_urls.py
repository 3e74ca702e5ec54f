"""URLs of the RPA's and the candidate's side of files: scrutiny, preparation feedback, written tasks, results."""

from django.urls import path

from assessments.views import review

urlpatterns = [
    path("assessments/scrutiny/", review.ScrutinyQueueView.as_view(), name="scrutiny-queue"),
    path("assessments/files/<int:pk>/scrutinise/", review.FileScrutiniseView.as_view(), name="file-scrutinise"),
    path("assessments/my-assessment/", review.CandidateAssessmentView.as_view(), name="candidate-assessment"),
    path("assessments/<int:pk>/tasks/", review.AssessmentTasksView.as_view(), name="assessment-tasks"),
    path("assessments/<int:pk>/tasks/upload/", review.TaskUploadView.as_view(), name="assessment-tasks-upload"),
    path("assessments/<int:pk>/tasks/send/", review.TasksSendView.as_view(), name="assessment-tasks-send"),
    path(
        "assessments/task-documents/<int:pk>/remove/",
        review.TaskDocumentRemoveView.as_view(),
        name="taskdocument-remove",
    ),
    path(
        "assessments/preparation-feedback/",
        review.PreparationFeedbackListView.as_view(),
        name="preparationfeedback-list",
    ),
    path(
        "assessments/preparation-feedback/<int:pk>/",
        review.PreparationFeedbackDetailView.as_view(),
        name="preparationfeedback-detail",
    ),
    path(
        "assessments/preparation-feedback/<int:pk>/pass-on/",
        review.PreparationFeedbackPassOnView.as_view(),
        name="preparationfeedback-pass-on",
    ),
    path("assessments/results/<int:pk>/", review.ResultDetailView.as_view(), name="result-detail"),
    path("assessments/results/<int:pk>/letter/", review.ResultLetterView.as_view(), name="result-letter"),
]
