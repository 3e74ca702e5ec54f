"""URLs of allocation, booking and the calendar."""

urlpatterns: list = []
