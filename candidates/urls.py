"""Pages of the candidates app: the application side and the review side, each with its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("candidates.application_urls")),
    path("", include("candidates.review_urls")),
]
