"""Serializers of the Partnership layer's API."""

from __future__ import annotations

from rest_framework import serializers

from hnap.models import ClosureDay, Deadline


class DeadlineSerializer(serializers.ModelSerializer):
    rpa = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    responsible = serializers.StringRelatedField()  # type: ignore[var-annotated]

    class Meta:
        model = Deadline
        fields = [
            "id",
            "rpa",
            "kind",
            "title",
            "responsible",
            "starts_on",
            "working_days",
            "due_at",
            "remind_at",
            "state",
            "met_at",
            "breached_at",
        ]
        read_only_fields = fields


class ClosureDaySerializer(serializers.ModelSerializer):
    rpa = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ClosureDay
        fields = ["id", "rpa", "day", "reason"]
        read_only_fields = ["id", "rpa"]
