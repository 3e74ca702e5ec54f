"""URLs of data protection: subject-access exports, retention and the breach register (an RPA's administrators)."""

from django.urls import path

from dataprotection import views

urlpatterns = [
    path("data-protection/exports/", views.ExportListView.as_view(), name="export-list"),
    path("data-protection/exports/new/", views.ExportCreateView.as_view(), name="export-create"),
    path("data-protection/exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("data-protection/exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("data-protection/retention/", views.RetentionRunListView.as_view(), name="retention-run-list"),
    path("data-protection/retention/dry-run/", views.RetentionDryRunView.as_view(), name="retention-dry-run"),
    path("data-protection/retention/<int:pk>/", views.RetentionRunDetailView.as_view(), name="retention-run-detail"),
    path(
        "data-protection/retention/periods/<int:pk>/",
        views.RetentionPolicyUpdateView.as_view(),
        name="retention-policy-update",
    ),
    path("data-protection/breaches/", views.BreachListView.as_view(), name="breach-list"),
    path("data-protection/breaches/new/", views.BreachCreateView.as_view(), name="breach-create"),
    path("data-protection/breaches/<int:pk>/", views.BreachDetailView.as_view(), name="breach-detail"),
]
