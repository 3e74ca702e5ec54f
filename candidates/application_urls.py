"""URLs of the application side (PoP pages, public employer declaration, courses, Level 2 list)."""

urlpatterns: list = []
