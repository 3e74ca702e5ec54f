"""URLs of enquiries and appeals: the RPAs' public contact and appeals-procedure pages, the enquiry queue and SLA
dashboard, appeals and their letters, referrals and review panels, and monitoring."""

from django.urls import path

from appeals.views import appeals, enquiries, partnership, public

urlpatterns = [
    # Public (no sign-in): what each RPA publishes (ENQ-2, APP-2) and its enquiry form (ENQ-1).
    path("contact/", public.ContactIndexView.as_view(), name="contact-index"),
    path("rpas/<slug:slug>/contact/", public.RpaContactView.as_view(), name="rpa-contact"),
    path("rpas/<slug:slug>/contact/sent/", public.RpaContactSentView.as_view(), name="rpa-contact-sent"),
    path("rpas/<slug:slug>/appeals-procedure/", public.RpaAppealsProcedureView.as_view(), name="rpa-appeals-procedure"),
    # Enquiries (ENQ-1, ENQ-3).
    path("enquiries/", enquiries.EnquiryQueueView.as_view(), name="enquiry-list"),
    path("enquiries/new/", enquiries.EnquiryCreateView.as_view(), name="enquiry-create"),
    path("enquiries/sla/", enquiries.EnquirySlaView.as_view(), name="enquiry-sla"),
    path("enquiries/<int:pk>/", enquiries.EnquiryDetailView.as_view(), name="enquiry-detail"),
    path("enquiries/<int:pk>/acknowledge/", enquiries.EnquiryAcknowledgeView.as_view(), name="enquiry-acknowledge"),
    path("enquiries/<int:pk>/answer/", enquiries.EnquiryAnswerView.as_view(), name="enquiry-answer"),
    path("enquiries/<int:pk>/message/", enquiries.EnquiryNoteView.as_view(), name="enquiry-message"),
    # Appeals (APP-1, APP-3, APP-4).
    path("results/<int:pk>/appeal/", appeals.AppealMakeView.as_view(), name="appeal-make"),
    path("appeals/", appeals.AppealListView.as_view(), name="appeal-list"),
    path("appeals/<int:pk>/", appeals.AppealDetailView.as_view(), name="appeal-detail"),
    path("appeals/<int:pk>/acknowledge/", appeals.AppealAcknowledgeView.as_view(), name="appeal-acknowledge"),
    path("appeals/<int:pk>/letter/", appeals.AppealLetterView.as_view(), name="appeal-letter"),
    path("appeals/<int:pk>/decide/", appeals.AppealDecideView.as_view(), name="appeal-decide"),
    path("appeals/<int:pk>/refer/", appeals.AppealReferView.as_view(), name="appeal-refer"),
    # Referrals and review panels (APP-6, APP-7).
    path("referrals/", partnership.ReferralListView.as_view(), name="referral-list"),
    path("referrals/<int:pk>/", partnership.ReferralDetailView.as_view(), name="referral-detail"),
    path("referrals/<int:pk>/panel/", partnership.PanelConveneView.as_view(), name="panel-convene"),
    path("review-panels/", appeals.MyPanelsView.as_view(), name="panel-mine"),
    path("review-panels/<int:pk>/", appeals.PanelDetailView.as_view(), name="panel-detail"),
    path("review-panels/<int:pk>/decide/", appeals.PanelDecideView.as_view(), name="panel-decide"),
    # Monitoring (APP-5).
    path("appeals-monitoring/", appeals.MonitoringView.as_view(), name="appeal-monitoring"),
    path("appeals-monitoring/export.csv", appeals.MonitoringExportView.as_view(), name="appeal-monitoring-export"),
    path("appeals-monitoring/share/", appeals.MonitoringShareView.as_view(), name="monitoring-share"),
    path(
        "appeals-monitoring/shares/<int:pk>/",
        appeals.MonitoringShareDetailView.as_view(),
        name="monitoringshare-detail",
    ),
]
