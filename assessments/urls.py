"""Pages of the assessments app: the register, allocation, the assessor's file, and the RPA's and the candidate's
side of files (scrutiny, preparation feedback, written tasks, results), each with its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("assessments.register_urls")),
    path("", include("assessments.allocation_urls")),
    path("", include("assessments.file_urls")),
    path("", include("assessments.review_urls")),
]
