"""The REST API at /api/v1/: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from appeals.api.urls import register as register_appeals
from assessments.api.urls import register as register_assessments
from candidates.api.urls import register as register_candidates
from hnap.api.views import ClosureDayViewSet, DeadlineViewSet
from moderation.api.report_urls import register as register_moderation_reports
from moderation.api.urls import register as register_moderation
from partnership.api.urls import register as register_partnership

router = DefaultRouter()
router.register("deadlines", DeadlineViewSet, basename="api-deadline")
router.register("closure-days", ClosureDayViewSet, basename="api-closureday")
register_candidates(router)
register_assessments(router)
register_appeals(router)
register_moderation(router)
register_moderation_reports(router)
register_partnership(router)

urlpatterns = router.urls
