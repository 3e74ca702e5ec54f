"""Pages of transfers between RPAs (RISK-1)."""

from django.urls import path

from transfers import views

urlpatterns = [
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/new/", views.TransferProposeView.as_view(), name="transfer-propose"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/carry-out/", views.TransferExecuteView.as_view(), name="transfer-execute"),
    path("transfers/<int:pk>/decline/", views.TransferDeclineView.as_view(), name="transfer-decline"),
    path("transfers/<int:pk>/withdraw/", views.TransferWithdrawView.as_view(), name="transfer-withdraw"),
]
