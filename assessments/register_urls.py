"""URLs of the assessor register and quality management."""

urlpatterns: list = []
