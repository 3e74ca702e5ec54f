"""URLs of the review side (candidate list and page, RPA decisions, files, changes, payments)."""

from django.urls import path

from candidates.views import review

urlpatterns = [
    path("candidates/", review.CandidateListView.as_view(), name="candidate-list"),
    path("candidates/export.csv", review.CandidateExportView.as_view(), name="candidate-export"),
    path("candidates/<int:pk>/", review.CandidateDetailView.as_view(), name="candidate-detail"),
    path("candidates/<int:pk>/readiness/", review.CandidateReadinessView.as_view(), name="candidate-readiness"),
    path(
        "candidates/<int:pk>/nursery-exception/",
        review.CandidateNurseryExceptionView.as_view(),
        name="candidate-nursery-exception",
    ),
    path("candidates/<int:pk>/register/", review.CandidateRegisterView.as_view(), name="candidate-register"),
    path("candidates/<int:pk>/withdraw/", review.CandidateWithdrawView.as_view(), name="candidate-withdraw"),
    path("candidates/<int:pk>/invoice/new/", review.InvoiceCreateView.as_view(), name="invoice-create"),
    path("evidence/<int:pk>/", review.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("evidence/<int:pk>/download/", review.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("evidence/<int:pk>/decide/", review.EvidenceDecideView.as_view(), name="evidence-decide"),
    path("change-reports/", review.ChangeReportListView.as_view(), name="changereport-list"),
    path("change-reports/<int:pk>/", review.ChangeReportDetailView.as_view(), name="changereport-detail"),
    path("change-reports/<int:pk>/resolve/", review.ChangeReportResolveView.as_view(), name="changereport-resolve"),
    path("disclosures/<int:pk>/", review.DisclosureDetailView.as_view(), name="disclosure-detail"),
    path(
        "disclosures/<int:pk>/adjustments/",
        review.DisclosureAdjustmentsView.as_view(),
        name="disclosure-adjustments",
    ),
    path("invoices/<int:pk>/", review.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/payments/new/", review.PaymentCreateView.as_view(), name="payment-create"),
    path("regional-charges/", review.ChargeListView.as_view(), name="charge-list"),
    path("regional-charges/new/", review.ChargeCreateView.as_view(), name="charge-create"),
    path("regional-charges/<int:pk>/edit/", review.ChargeUpdateView.as_view(), name="charge-update"),
]
