"""Routes of the enquiries and appeals API, registered on the one router at /api/v1/ (hnap/api/urls.py)."""

from rest_framework.routers import DefaultRouter

from appeals.api import views


def register(router: DefaultRouter) -> None:
    """Add the appeals app's viewsets to the project's router (basenames start with "api-")."""
    router.register("enquiries", views.EnquiryViewSet, basename="api-enquiry")
    router.register("appeals", views.AppealViewSet, basename="api-appeal")
    router.register("referrals", views.ReferralViewSet, basename="api-referral")
