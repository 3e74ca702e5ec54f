"""Pages over tenant-owned records of the Partnership layer (each view reaches records through hnap.access)."""

from django.urls import path

from hnap import views

urlpatterns = [
    path("deadlines/", views.DeadlineDashboardView.as_view(), name="deadline-dashboard"),
    path("deadlines/<int:pk>/", views.DeadlineDetailView.as_view(), name="deadline-detail"),
    path("closure-days/", views.ClosureDayListView.as_view(), name="closureday-list"),
    path("closure-days/new/", views.ClosureDayCreateView.as_view(), name="closureday-create"),
    path("closure-days/<int:pk>/", views.ClosureDayDetailView.as_view(), name="closureday-detail"),
]
