"""Pages of moderation's people and reports: moderators and their competence, peer-review pairings and nominations,
feedback to assessors, the moderators' report, trends by PoP, joint reports and the event report PDF."""

from django.urls import path

from moderation.views import people, reports

urlpatterns = [
    # People: moderators (MOD-1, MOD-2), pairings (PEER-2), monthly peer reviewers (PEER-1).
    path("moderation/moderators/", people.ModeratorListView.as_view(), name="moderation-moderator-list"),
    path(
        "moderation/moderators/nominate/",
        people.ModeratorNominateView.as_view(),
        name="moderation-moderator-nominate",
    ),
    path(
        "moderation/moderators/<int:pk>/confirm/",
        people.ModeratorConfirmView.as_view(),
        name="moderation-moderator-confirm",
    ),
    path("moderation/pairings/", people.PairingListView.as_view(), name="moderation-pairing-list"),
    path("moderation/pairings/new/", people.PairingCreateView.as_view(), name="moderation-pairing-create"),
    path("moderation/peer-reviewers/", people.NominationListView.as_view(), name="moderation-nomination-list"),
    path(
        "moderation/peer-reviewers/new/",
        people.NominationCreateView.as_view(),
        name="moderation-nomination-create",
    ),
    # On an event (its pages and the reports written about it).
    path("moderation/events/<int:pk>/feedback/", reports.EventFeedbackView.as_view(), name="moderation-event-feedback"),
    path(
        "moderation/events/<int:pk>/feedback/start/",
        reports.FeedbackStartView.as_view(),
        name="moderation-feedback-start",
    ),
    path(
        "moderation/events/<int:pk>/moderators-report/",
        reports.ModeratorsReportView.as_view(),
        name="moderation-moderators-report",
    ),
    path(
        "moderation/events/<int:pk>/moderators-report/edit/",
        reports.ModeratorsReportEditView.as_view(),
        name="moderation-moderators-report-edit",
    ),
    path("moderation/events/<int:pk>/trends/", reports.TrendsView.as_view(), name="moderation-trends"),
    path("moderation/events/<int:pk>/trends/send/", reports.TrendsSendView.as_view(), name="moderation-trends-send"),
    path(
        "moderation/events/<int:pk>/report.pdf",
        reports.EventReportPdfView.as_view(),
        name="moderation-event-report-pdf",
    ),
    # Feedback to assessors (MOD-9).
    path("moderation/feedback/", reports.FeedbackListView.as_view(), name="moderation-feedback-list"),
    path("moderation/feedback/<int:pk>/", reports.FeedbackDetailView.as_view(), name="moderation-feedback-detail"),
    path("moderation/feedback/<int:pk>/edit/", reports.FeedbackEditView.as_view(), name="moderation-feedback-edit"),
    path("moderation/feedback/<int:pk>/send/", reports.FeedbackSendView.as_view(), name="moderation-feedback-send"),
    # Trends sent to PoPs (MOD-11).
    path("moderation/pop-trends/", reports.PoPTrendListView.as_view(), name="moderation-poptrend-list"),
    path("moderation/pop-trends/<int:pk>/", reports.PoPTrendDetailView.as_view(), name="moderation-poptrend-detail"),
    # Joint reports (PEER-3).
    path("moderation/joint-reports/", reports.JointReportListView.as_view(), name="moderation-jointreport-list"),
    path(
        "moderation/joint-reports/<int:pk>/",
        reports.JointReportDetailView.as_view(),
        name="moderation-jointreport-detail",
    ),
    path(
        "moderation/joint-reports/<int:pk>/submit/",
        reports.JointReportSubmitView.as_view(),
        name="moderation-jointreport-submit",
    ),
]
