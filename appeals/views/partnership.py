"""Pages of referrals to the Partnership (APP-6): the referrals (the Partnership sees every RPA's; an RPA its own;
a candidate theirs), one referral with its case, and convening its review panel from valid members only."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import F
from django.urls import reverse

from appeals.forms import appeals as forms
from appeals.models import PanelState, Referral, ReviewPanel
from appeals.selectors import panel_choices
from appeals.services import panel_convene
from hnap.access import role_allows
from hnap.models import User
from hnap.roles import Action
from hnap.tenant_views import TenantDetailView, TenantListView, TenantRecordFormView


class ReferralListView(TenantListView):
    """APP-6: referred appeals, those awaiting a panel first."""

    model = Referral
    template_name = "appeals/referral_list.html"

    def get_queryset(self) -> Any:
        return (
            self.scoped()
            .select_related("rpa", "appeal__candidate", "panel")
            .order_by(F("panel").asc(nulls_first=True), "-referred_at")
        )


class ReferralDetailView(TenantDetailView):
    """APP-6: one referral: the case, the RPA's outcome, why the candidate is still dissatisfied, and its panel."""

    model = Referral
    template_name = "appeals/referral_detail.html"
    object: Referral

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa", "appeal__candidate", "appeal__decided_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        panel = (
            ReviewPanel.objects.filter(referral=self.object)
            .select_related("member_one", "member_two", "member_one_rpa", "member_two_rpa")
            .first()
        )
        context.update(
            referral=self.object,
            appeal=self.object.appeal,
            panel=panel,
            may_convene=panel is None and role_allows(self.request.user, ReviewPanel, Action.ADD),
            sitting=PanelState.SITTING,
        )
        return context


class PanelConveneView(TenantRecordFormView):
    """APP-6: the Partnership administrator convenes the review panel: only people eligible for this RPA's appeal
    are offered, and a pair that is not valid (one RPA twice) is refused with the reason."""

    model = Referral
    action = Action.ADD
    action_model = ReviewPanel
    form_class = forms.PanelForm
    template_name = "appeals/panel_convene.html"
    title = "Convene the review panel"
    submit_label = "Convene the panel"
    object: Referral

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("rpa", "appeal__candidate")

    def back_url(self) -> str:
        return reverse("referral-detail", args=[self.object.pk])

    def choices(self) -> list[tuple[int, str]]:
        return [
            (user.pk, f"{user.full_name} ({', '.join(r.name for r in rpas)})")
            for user, rpas in panel_choices(rpa_id=self.object.rpa_id)
        ]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "choices": self.choices()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(referral=self.object, appeal=self.object.appeal)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        people = {u.pk: u for u in User.objects.filter(pk__in=[data["member_one"], data["member_two"]])}
        panel = panel_convene(
            referral=self.object,
            member_one=people[data["member_one"]],
            member_two=people[data["member_two"]],
            acting_user=cast(User, self.request.user),
        )
        return (
            f"Panel convened: {panel.member_one.full_name} ({panel.member_one_rpa.name}) and "
            f"{panel.member_two.full_name} ({panel.member_two_rpa.name}). Each now sees this one case."
        )
