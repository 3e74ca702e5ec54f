"""URLs of the review side (candidate list and page, RPA decisions, files, changes, payments)."""

urlpatterns: list = []
