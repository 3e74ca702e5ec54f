"""Pages of the moderation day: events, the draw, the sample, coverage, decisions and their second review, review
pending and closing (moderation.views.events)."""

from django.urls import path

from moderation.views import events

urlpatterns = [
    path("moderation/events/", events.EventListView.as_view(), name="moderation-event-list"),
    path("moderation/events/new/", events.EventPlanView.as_view(), name="moderation-event-plan"),
    path("moderation/events/<int:pk>/", events.EventDetailView.as_view(), name="moderation-event-detail"),
    path("moderation/events/<int:pk>/open/", events.EventOpenView.as_view(), name="moderation-event-open"),
    path(
        "moderation/events/<int:pk>/peer-review/open/",
        events.PeerReviewOpenView.as_view(),
        name="moderation-peer-review-open",
    ),
    path(
        "moderation/events/<int:pk>/peer-review/close/",
        events.PeerReviewCloseView.as_view(),
        name="moderation-peer-review-close",
    ),
    path("moderation/events/<int:pk>/draw/", events.DrawView.as_view(), name="moderation-event-draw"),
    path("moderation/events/<int:pk>/draw/run/", events.DrawRunView.as_view(), name="moderation-event-draw-run"),
    path("moderation/events/<int:pk>/sample/", events.SampleView.as_view(), name="moderation-event-sample"),
    path("moderation/events/<int:pk>/coverage/", events.CoverageView.as_view(), name="moderation-event-coverage"),
    path(
        "moderation/events/<int:pk>/coverage/add/",
        events.CoverageAddView.as_view(),
        name="moderation-event-coverage-add",
    ),
    path(
        "moderation/events/<int:pk>/sample/refresh/",
        events.SampleRefreshView.as_view(),
        name="moderation-event-sample-refresh",
    ),
    path(
        "moderation/events/<int:pk>/standards/",
        events.EventStandardsView.as_view(),
        name="moderation-event-standards",
    ),
    path("moderation/events/<int:pk>/close/", events.EventCloseView.as_view(), name="moderation-event-close"),
    path("moderation/sample-entries/<int:pk>/", events.EntryDetailView.as_view(), name="moderation-entry-detail"),
    path(
        "moderation/sample-entries/<int:pk>/decide/",
        events.DecisionRecordView.as_view(),
        name="moderation-entry-decide",
    ),
    path(
        "moderation/decisions/<int:pk>/second-review/",
        events.SecondReviewView.as_view(),
        name="moderation-decision-second-review",
    ),
    path("moderation/review-pending/", events.ReviewPendingListView.as_view(), name="moderation-review-pending-list"),
    path(
        "moderation/review-pending/<int:pk>/",
        events.ReviewPendingReviewView.as_view(),
        name="moderation-review-pending-review",
    ),
]
