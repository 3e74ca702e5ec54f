"""Serializers of moderation's reports API: feedback to assessors (MOD-9, ASR-7), trends sent to PoPs (MOD-11) and
joint reports (PEER-3). Request bodies are parsed here; moderation.services checks the rules. Nested records carry no
`"id"`: a related record is named by its pk under the field name of its relation (`event`)."""

from __future__ import annotations

from rest_framework import serializers

from moderation.models import AssessorFeedback, JointReport, PoPTrendFeedback


class AssessorFeedbackSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """MOD-9, ASR-7: the moderators' feedback to one assessor after an event."""

    event_month = serializers.DateField(source="event.month", read_only=True)
    rpa_name = serializers.CharField(source="rpa.name", read_only=True)
    assessor_name = serializers.CharField(source="assessor.user.full_name", read_only=True)
    sanction_label = serializers.CharField(source="get_sanction_display", read_only=True)
    quality_action = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = AssessorFeedback
        fields = [
            "id",
            "event",
            "event_month",
            "rpa_name",
            "assessor",
            "assessor_name",
            "strengths",
            "weaknesses",
            "change_reasons",
            "sanction",
            "sanction_label",
            "sanction_justification",
            "quality_action",
            "written_at",
            "sent_at",
        ]
        read_only_fields = fields


class PoPTrendSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """MOD-11: the trends sent to a PoP about its own candidates' moderated files, as sent."""

    pop_name = serializers.CharField(source="pop.name", read_only=True)
    rpa_name = serializers.CharField(source="rpa.name", read_only=True)

    class Meta:
        model = PoPTrendFeedback
        fields = ["id", "pop", "pop_name", "rpa_name", "event", "period_start", "period_end", "trends", "message",
                  "sent_at"]  # fmt: skip
        read_only_fields = fields


class JointReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """PEER-3: the joint report on an event: due when, submitted when, late or not, the issues or none."""

    event_month = serializers.DateField(source="event.month", read_only=True)
    rpa_name = serializers.CharField(source="rpa.name", read_only=True)
    peer_reviewer_name = serializers.CharField(source="peer_reviewer.full_name", read_only=True, default="")
    moderator_name = serializers.CharField(source="moderator.user.full_name", read_only=True, default="")
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = JointReport
        fields = [
            "id",
            "event",
            "event_month",
            "rpa_name",
            "peer_reviewer_name",
            "moderator_name",
            "due_at",
            "submitted_at",
            "is_late",
            "issues_raised",
            "issues",
            "for_partnership",
        ]
        read_only_fields = fields


class JointReportSubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """PEER-3: the issues discussed, or that none were raised."""

    issues_raised = serializers.BooleanField()
    issues = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    for_partnership = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
