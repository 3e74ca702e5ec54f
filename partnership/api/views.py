"""The dashboards' figures as JSON (PART-2, APP-5): the Partnership's every RPA and month, an RPA administrator's own
RPA by month. Counts only; no record is reached by id, so these are not tenant viewsets: the RPA comes from the
person's memberships, never from the request (except choosing among their own)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.file_views import query_filters
from candidates.api.views import FIELD_ERRORS, FORBIDDEN
from hnap.access import memberships_of
from hnap.models import RPA
from hnap.roles import Role
from partnership.api import serializers as s
from partnership.forms import PeriodForm
from partnership.selectors import Dashboard, dashboard, month_add
from partnership.services import is_partnership_admin


def _period(filters: dict[str, Any]) -> tuple[Any, Any]:
    end = filters.get("end") or PeriodForm().period()[1]
    return filters.get("start") or month_add(end, -11), end


def _rows(data: Dashboard) -> list[dict[str, Any]]:
    fields = [(name, str(field.source)) for name, field in s.FiguresRowSerializer().fields.items()][2:]
    return [
        {"rpa": name, "month": f"{month:%Y-%m}", **{key: getattr(figures, source) for key, source in fields}}
        for name, month, figures in data.rows()
    ]


class NationalDashboardViewSet(viewsets.ViewSet):
    """PART-2: every RPA's figures by month; Partnership administrators only."""

    @extend_schema(
        summary="National figures by RPA and month (PART-2, APP-5)",
        description="Counts only, never a candidate's personal data. Partnership administrators only.",
        parameters=[s.PeriodSerializer],
        responses={200: s.FiguresRowSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def list(self, request: Request) -> Response:
        if not is_partnership_admin(request.user):
            raise PermissionDenied("Only the Partnership sees every RPA's figures.")
        start, end = _period(query_filters(s.PeriodSerializer, request))
        return Response(_rows(dashboard(rpa_ids=None, start=start, end=end)))


class RpaDashboardViewSet(viewsets.ViewSet):
    """PART-2: the figures of an RPA the person administers, by month."""

    @extend_schema(
        summary="Your RPA's figures by month (PART-2, APP-5)",
        description="The RPA is one you administer (with several, ?rpa=<slug> picks among them); counts only.",
        parameters=[s.RpaPeriodSerializer],
        responses={200: s.FiguresRowSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def list(self, request: Request) -> Response:
        ids = {m.rpa_id for m in memberships_of(request.user) if m.role == Role.RPA_ADMIN and m.rpa_id}
        rpas = list(RPA.objects.filter(pk__in=ids).order_by("name"))
        if not rpas:
            raise PermissionDenied("Only an RPA's administrators see its figures.")
        filters = query_filters(s.RpaPeriodSerializer, request)
        rpa = next((r for r in rpas if r.slug == filters.get("rpa")), rpas[0])
        start, end = _period(filters)
        return Response(_rows(dashboard(rpa_ids=[rpa.pk], start=start, end=end)))
