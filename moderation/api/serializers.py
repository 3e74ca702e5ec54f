"""Serializers of the moderation day's API: events (MOD-1, PEER-4), the draw (MOD-3), sample entries with their reasons
and standards (MOD-3..MOD-5), decisions and the second moderator's review (MOD-2, MOD-6, MOD-8), review-pending files
and the RPA's review (MOD-7). Request bodies are parsed here; moderation.services checks the rules.

Nested records carry no `"id"`: a related record is named by its pk under the field name of its relation (`event`,
`file`, `entry`) and by its `url` where it has an endpoint."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Outcome
from moderation.models import (
    DocumentationQuality,
    ModerationDecision,
    ModerationEvent,
    ReviewOutcome,
    ReviewPending,
    SampleDraw,
    SampleEntry,
    SampleReason,
    StandardSource,
    Verdict,
)


class EventFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The event list's filters, as query parameters."""

    state = serializers.ChoiceField(choices=["planned", "open", "closed"], required=False)


class EntryFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A list of sample entries or decisions, narrowed to one event."""

    event = serializers.IntegerField(required=False, help_text="A moderation event's id.")


class ReviewFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The review-pending list: the files waiting (default), the reviewed ones, or all."""

    show = serializers.ChoiceField(choices=["pending", "reviewed", "all"], required=False, default="pending")


# --- events and the draw -------------------------------------------------------------------------------------


class DrawSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """MOD-3: the reproducible random draw: seed, the met files drawn from in order, the files drawn, who and when."""

    drawn_by_name = serializers.CharField(source="drawn_by.full_name", read_only=True, default="")
    reproduces = serializers.SerializerMethodField(help_text="Re-running the draw from its seed gives the same files.")

    class Meta:
        model = SampleDraw
        fields = ["seed", "population", "drawn", "share_percent", "drawn_by_name", "drawn_at", "reproduces"]

    def get_reproduces(self, draw: SampleDraw) -> bool:
        from moderation.selectors import draw_reproduce

        return draw_reproduce(draw=draw) == list(draw.drawn)


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """MOD-1, PEER-4: a monthly event, its state, who moderates and the peer reviewer."""

    url = serializers.SerializerMethodField()
    rpa_name = serializers.CharField(source="rpa.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    lead_moderator_name = serializers.CharField(source="lead_moderator.user.full_name", read_only=True, default="")
    peer_reviewer_name = serializers.CharField(source="peer_reviewer.full_name", read_only=True, default="")
    peer_deputy_name = serializers.CharField(source="peer_deputy.full_name", read_only=True, default="")
    peer_rpa_name = serializers.CharField(source="peer_rpa.name", read_only=True, default="")
    review_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = ModerationEvent
        fields = [
            "id",
            "url",
            "rpa_name",
            "month",
            "held_on",
            "state",
            "state_label",
            "cohort_size",
            "lead_moderator_name",
            "peer_reviewer_name",
            "peer_deputy_name",
            "peer_rpa_name",
            "review_open",
            "review_opened_at",
            "review_closed_at",
            "national_standards",
            "rpa_standards",
            "opened_at",
            "closed_at",
        ]

    def get_url(self, event: ModerationEvent) -> str:
        return reverse("api-moderation-event-detail", args=[event.pk])


class EventSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """MOD-12: the event in numbers and what still blocks closing it."""

    cohort = serializers.IntegerField()
    sampled = serializers.IntegerField()
    mandatory = serializers.IntegerField()
    random = serializers.IntegerField()
    coverage = serializers.IntegerField()
    decided = serializers.IntegerField()
    awaiting_second = serializers.IntegerField()
    overturns = serializers.IntegerField()
    review_pending = serializers.IntegerField()
    returned = serializers.IntegerField()
    blockers = serializers.ListField(child=serializers.CharField())
    can_close = serializers.BooleanField()


class EventDetailSerializer(EventSerializer):
    """An event with its counts, what blocks closing it and its draw."""

    summary = serializers.SerializerMethodField()
    draw = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "summary", "draw"]

    @extend_schema_field(EventSummarySerializer(allow_null=True))
    def get_summary(self, event: ModerationEvent) -> Any:
        from moderation.selectors import event_summary

        if event.state == "planned":
            return None
        return EventSummarySerializer(event_summary(event=event)).data

    @extend_schema_field(DrawSerializer(allow_null=True))
    def get_draw(self, event: ModerationEvent) -> Any:
        draw = self.context.get("draw")
        return DrawSerializer(draw).data if draw is not None else None


# --- the sample ------------------------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, taken off the class by DRF's metaclass


class StandardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    sources = serializers.ListField(child=serializers.CharField(), help_text="Why it is moderated (MOD-5).")


class EntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A sampled file: each reason it is in the sample, the standards to moderate and why, where its decision is."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="file.candidate.full_name", read_only=True)
    assessor_name = serializers.CharField(source="file.assessor.user.full_name", read_only=True)
    recommended_outcome = serializers.CharField(source="file.recommended_outcome", read_only=True)
    reasons = serializers.SerializerMethodField()
    standards = serializers.SerializerMethodField()
    decision_state = serializers.SerializerMethodField()

    class Meta:
        model = SampleEntry
        fields = [
            "id",
            "url",
            "event",
            "file",
            "candidate_name",
            "assessor_name",
            "recommended_outcome",
            "origin",
            "reasons",
            "standards",
            "decision_state",
            "added_at",
        ]

    def get_url(self, entry: SampleEntry) -> str:
        return reverse("api-sample-entry-detail", args=[entry.pk])

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, entry: SampleEntry) -> list[dict[str, str]]:
        return [
            {"code": code, "label": SampleReason(code).label if code in SampleReason.values else code}
            for code in entry.reasons
        ]

    @extend_schema_field(StandardSerializer(many=True))
    def get_standards(self, entry: SampleEntry) -> list[dict[str, Any]]:
        return [
            {
                "number": number,
                "sources": [
                    StandardSource(c).label if c in StandardSource.values else c
                    for c in entry.standard_sources.get(str(number), [])
                ],
            }
            for number in entry.standards
        ]

    @extend_schema_field(serializers.CharField(allow_blank=True, help_text="The decision's state; blank: none yet."))
    def get_decision_state(self, entry: SampleEntry) -> str:
        decision = getattr(entry, "decision", None)
        return decision.state if decision is not None else ""


class JudgementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One moderated standard: agree or disagree with the assessor's evidence summary (a note when disagreeing)."""

    agree = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionRecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """MOD-6, MOD-8: the moderator's decision on a sampled file."""

    judgements = serializers.DictField(
        child=JudgementSerializer(), help_text='Standard number (as text) -> {"agree": bool, "note": str}, one each.'
    )
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    new_outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default="", help_text="For an overturn."
    )
    reassess_standards = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="For a partial reassessment."
    )
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for every verdict but endorse."
    )
    documentation = serializers.ChoiceField(
        choices=DocumentationQuality.choices, required=False, allow_blank=True, default=""
    )


# --- decisions -------------------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A decision on a sampled file, its state and the second moderator's review."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="file.candidate.full_name", read_only=True)
    moderator_name = serializers.CharField(source="moderator.user.full_name", read_only=True)
    second_moderator_name = serializers.CharField(source="second_moderator.user.full_name", read_only=True, default="")
    judgements = serializers.DictField(child=JudgementSerializer(), read_only=True)

    class Meta:
        model = ModerationDecision
        fields = [
            "id",
            "url",
            "entry",
            "file",
            "candidate_name",
            "moderator_name",
            "judgements",
            "verdict",
            "new_outcome",
            "reassess_standards",
            "reasons",
            "documentation",
            "state",
            "decided_at",
            "second_moderator_name",
            "second_agrees",
            "second_note",
            "second_at",
            "confirmed_at",
        ]

    def get_url(self, decision: ModerationDecision) -> str:
        return reverse("api-moderation-decision-detail", args=[decision.pk])


class SecondReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """MOD-6: the second moderator agrees (the decision takes effect) or not (with a note)."""

    agrees = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- review pending --------------------------------------------------------------------------------------


class ReviewPendingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """MOD-7: a file whose outcome waits for the RPA's separate review, and the review."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="file.candidate.full_name", read_only=True)
    assessor_name = serializers.CharField(source="file.assessor.user.full_name", read_only=True)
    blocks_confirmation = serializers.SerializerMethodField()
    reviewed_by_name = serializers.CharField(source="reviewed_by.full_name", read_only=True, default="")

    class Meta:
        model = ReviewPending
        fields = [
            "id",
            "url",
            "file",
            "candidate_name",
            "assessor_name",
            "caused_by",
            "state",
            "blocks_confirmation",
            "flagged_at",
            "reviewed_by_name",
            "reviewed_at",
            "outcome",
            "notes",
        ]

    def get_url(self, flag: ReviewPending) -> str:
        return reverse("api-review-pending-detail", args=[flag.pk])

    def get_blocks_confirmation(self, flag: ReviewPending) -> bool:
        return flag.state == "pending"


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """MOD-7: the RPA's review: the recommended outcome stands, or the file is moderated."""

    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    notes = serializers.CharField(allow_blank=True)
