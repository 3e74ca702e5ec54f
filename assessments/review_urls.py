"""URLs of the RPA's and the candidate's side of files: scrutiny, preparation feedback, written tasks, results."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
