"""URLs of allocation, booking and the calendar."""

from django.urls import path

from assessments.views import allocation

urlpatterns = [
    path("assessments/", allocation.AssessmentListView.as_view(), name="assessment-list"),
    path("assessments/ready/", allocation.AllocationReadyView.as_view(), name="allocation-ready"),
    path("assessments/bulk/", allocation.BulkAllocateView.as_view(), name="allocation-bulk"),
    path("assessments/new/", allocation.AssessmentCreateView.as_view(), name="assessment-create"),
    path("assessments/<int:pk>/", allocation.AssessmentDetailView.as_view(), name="assessment-detail"),
    path("assessments/<int:pk>/move/", allocation.AssessmentMoveView.as_view(), name="assessment-move"),
    path("assessments/<int:pk>/cancel/", allocation.AssessmentCancelView.as_view(), name="assessment-cancel"),
    path(
        "assessments/<int:pk>/reallocate/", allocation.AssessmentReallocateView.as_view(), name="assessment-reallocate"
    ),
    path("candidates/<int:pk>/allocate/", allocation.CandidateAllocateView.as_view(), name="candidate-allocate"),
    path("my-assessments/", allocation.AssessmentCalendarView.as_view(), name="assessment-calendar"),
    path("my-assessments/feed/", allocation.CalendarFeedIssueView.as_view(), name="calendar-feed-issue"),
    path("my-assessments/feed/revoke/", allocation.CalendarFeedRevokeView.as_view(), name="calendar-feed-revoke"),
    path("calendar/<str:token>.ics", allocation.CalendarFeedView.as_view(), name="calendar-feed"),
]
