"""Serializers of the dashboards' API (PART-2): the period asked for, and the figures of each RPA and month."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from partnership.forms import MAX_MONTHS, parse_month
from partnership.selectors import month_add


class PeriodSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """?start=YYYY-MM&end=YYYY-MM (both optional: the twelve months to this one)."""

    start = serializers.CharField(required=False, help_text="The first month, as YYYY-MM.")
    end = serializers.CharField(required=False, help_text="The last month, as YYYY-MM.")

    def _month(self, value: str) -> Any:
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError("Enter a month as year and month, for example 2027-03")
        return month

    def validate_start(self, value: str) -> Any:
        return self._month(value)

    def validate_end(self, value: str) -> Any:
        return self._month(value)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise serializers.ValidationError({"end": "The end must be the same month as the start or later"})
            if month_add(start, MAX_MONTHS) <= end:
                raise serializers.ValidationError({"end": f"Choose at most {MAX_MONTHS} months"})
        return data


class RpaPeriodSerializer(PeriodSerializer):
    rpa = serializers.SlugField(required=False, help_text="With several RPAs: the slug of one you administer.")


class FiguresRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One RPA and month: counts only, and the shares derived from them (null when there is nothing to measure)."""

    rpa = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM")
    registrations = serializers.IntegerField()
    assessments = serializers.IntegerField()
    results = serializers.IntegerField()
    met = serializers.IntegerField()
    not_met = serializers.IntegerField()
    partial_reassessment = serializers.IntegerField(source="partial")
    full_reassessment = serializers.IntegerField(source="full")
    files = serializers.IntegerField(help_text="Files entering moderation, by their cycle month.")
    sampled = serializers.IntegerField(help_text="Of those, files in the month's sample.")
    sampled_share = serializers.IntegerField(allow_null=True, help_text="Per cent.")
    decisions = serializers.IntegerField(help_text="Moderators' decisions confirmed.")
    overturns = serializers.IntegerField()
    overturn_rate = serializers.IntegerField(allow_null=True, help_text="Per cent of decisions.")
    enquiries = serializers.IntegerField()
    ack_counted = serializers.IntegerField()
    ack_on_time = serializers.IntegerField()
    ack_share = serializers.IntegerField(allow_null=True)
    answer_counted = serializers.IntegerField()
    answer_on_time = serializers.IntegerField()
    answer_share = serializers.IntegerField(allow_null=True)
    appeals = serializers.IntegerField()
    appeals_refused = serializers.IntegerField()
    appeals_upheld = serializers.IntegerField()
    appeals_not_upheld = serializers.IntegerField()
    appeals_referred = serializers.IntegerField()
    appeals_due = serializers.IntegerField()
    appeals_on_time = serializers.IntegerField()
    appeals_on_time_share = serializers.IntegerField(allow_null=True)
