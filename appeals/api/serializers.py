"""Serializers of the enquiries and appeals API: request bodies are parsed here, the rules are checked by
appeals.services. Nested records (an enquiry's messages) carry no `"id"`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from appeals.models import (
    Appeal,
    AppealDecision,
    Enquiry,
    EnquiryMessage,
    EnquiryNature,
    EnquiryState,
    LoggedChannel,
    Referral,
)


class EnquiryFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The queue's filters, as query parameters."""

    state = serializers.ChoiceField(choices=EnquiryState.choices, required=False,
                                    help_text="One state; by default the enquiries still owed a reply.")  # fmt: skip
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only those past their next due time.")


class EnquiryMessageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One message in or out of an enquiry (ENQ-1)."""

    class Meta:
        model = EnquiryMessage
        fields = ["direction", "body", "sent_to", "created_at", "sent_at"]


class EnquiryListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An enquiry in the queue: its state and when the next reply is due (ENQ-3)."""

    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When the next reply is due.")

    class Meta:
        model = Enquiry
        fields = [
            "id", "reference", "channel", "nature", "name", "organisation", "subject", "state", "received_at",
            "acknowledge_due_at", "answer_due_at", "acknowledged_at", "answered_at", "next_due_at",
        ]  # fmt: skip


class EnquiryDetailSerializer(EnquiryListSerializer):
    """An enquiry with the enquirer's contact details and every message in and out."""

    messages = EnquiryMessageSerializer(many=True, read_only=True)

    class Meta(EnquiryListSerializer.Meta):
        fields = [*EnquiryListSerializer.Meta.fields, "email", "phone", "messages"]


class EnquiryCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An enquiry received by email or phone, logged by the RPA's staff (the RPA is the user's own)."""

    channel = serializers.ChoiceField(choices=LoggedChannel.choices)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    organisation = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    nature = serializers.ChoiceField(choices=EnquiryNature.choices, default=EnquiryNature.OTHER)
    subject = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=5000)


class ReplySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A reply sent to the enquirer and kept on the enquiry."""

    message = serializers.CharField()


class AppealSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An appeal: its ground and evidence (APP-3), a refusal's reason (APP-1), acknowledgement and outcome (APP-4)."""

    candidate = serializers.PrimaryKeyRelatedField[Any](read_only=True)
    result = serializers.PrimaryKeyRelatedField[Any](read_only=True)
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id", "reference", "candidate", "candidate_name", "result", "made_by", "made_by_name", "identity_check",
            "ground", "statement", "evidence", "state", "refusal_reason", "received_at", "acknowledged_at",
            "consider_by", "decision", "decision_reasons", "decided_at",
        ]  # fmt: skip


class AcknowledgeAppealSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """APP-4: the working days within which the appeal will be considered."""

    working_days = serializers.IntegerField(min_value=1, max_value=60)


class DecideAppealSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """APP-4: the outcome with its reasons."""

    decision = serializers.ChoiceField(choices=AppealDecision.choices)
    reasons = serializers.CharField()


class ReferralSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """APP-6: an appeal referred to the Partnership, and its panel's state."""

    appeal = serializers.PrimaryKeyRelatedField[Any](read_only=True)
    appeal_reference = serializers.CharField(source="appeal.reference", read_only=True)
    candidate_name = serializers.CharField(source="appeal.candidate.full_name", read_only=True)
    rpa = serializers.CharField(source="rpa.name", read_only=True)
    panel_state = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["id", "appeal", "appeal_reference", "candidate_name", "rpa", "reasons", "referred_at", "panel_state"]

    def get_panel_state(self, referral: Referral) -> str:
        panel = getattr(referral, "panel", None)
        return panel.state if panel is not None else "to_convene"
