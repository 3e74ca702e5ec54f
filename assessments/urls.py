"""Pages of the assessments app: the register side and the allocation side, each with its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("assessments.register_urls")),
    path("", include("assessments.allocation_urls")),
]
