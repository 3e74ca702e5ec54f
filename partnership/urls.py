"""URLs of the Partnership's settings (PART-1) and the dashboards of aggregates (PART-2): the national one and each
RPA's own with its drill-downs."""

from django.urls import path

from partnership.views import dashboards, settings

urlpatterns = [
    path("partnership/fee/", settings.FeeView.as_view(), name="partnership-fee"),
    path("partnership/fee/new/", settings.FeeSetView.as_view(), name="partnership-fee-set"),
    path("partnership/standards/", settings.StandardsView.as_view(), name="partnership-standards"),
    path("partnership/standards/set/", settings.StandardsSetView.as_view(), name="partnership-standards-set"),
    path("partnership/dashboard/", dashboards.NationalDashboardView.as_view(), name="partnership-dashboard"),
    path(
        "partnership/dashboard/export.csv",
        dashboards.NationalDashboardExportView.as_view(),
        name="partnership-dashboard-export",
    ),
    path("rpa-dashboard/", dashboards.RpaDashboardView.as_view(), name="rpa-dashboard"),
    path("rpa-dashboard/export.csv", dashboards.RpaDashboardExportView.as_view(), name="rpa-dashboard-export"),
    path(
        "rpa-dashboard/assessors/",
        dashboards.RpaDrillDownView.as_view(by="assessor"),
        name="rpa-dashboard-assessors",
    ),
    path("rpa-dashboard/pops/", dashboards.RpaDrillDownView.as_view(by="pop"), name="rpa-dashboard-pops"),
]
