"""URLs of the assessor's file: drafts part by part, submission, versions and their PDF, documents (ASM-4, ASM-5)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
