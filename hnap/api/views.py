"""API viewsets of the Partnership layer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import mixins, serializers, viewsets

from hnap.api.base import TenantReadOnlyViewSet, TenantViewSetMixin
from hnap.api.serializers import ClosureDaySerializer, DeadlineSerializer
from hnap.models import ClosureDay, Deadline
from hnap.roles import Action
from hnap.services import closure_day_add


class DeadlineViewSet(TenantReadOnlyViewSet):
    """Deadlines the user may see, soonest first."""

    model = Deadline
    serializer_class = DeadlineSerializer
    filterset_fields = ["state", "kind"]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa", "responsible").order_by("due_at", "pk")


class ClosureDayViewSet(
    TenantViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # type: ignore[type-arg]
    """The RPA's closure days; adding one moves open deadlines that cross it."""

    model = ClosureDay
    serializer_class = ClosureDaySerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa").order_by("-day")

    def perform_create(self, serializer: ClosureDaySerializer) -> None:
        with transaction.atomic():
            try:
                serializer.instance = closure_day_add(rpa=self.acting_rpa(), **serializer.validated_data)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"day": error.messages}) from error
            self.ensure_in_scope(serializer.instance, Action.ADD)
