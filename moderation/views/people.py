"""Pages of moderation's people: an RPA's moderators, nominating one and a senior moderator confirming a moderator's
competence after trial moderations (MOD-1, MOD-2); the Partnership's peer-review pairings for three-month periods,
warned of a repeat (PEER-2); and each RPA's peer reviewer and deputy for a month (PEER-1). Every record is reached
through hnap.access (the tenant base views); the rules live in moderation.services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from hnap.access import role_allows, rpa_scope_ids
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Action
from hnap.tenant_views import TenantCreateView, TenantListView, TenantRecordFormView
from moderation import report_selectors as selectors
from moderation import services as core
from moderation.forms import people as forms
from moderation.models import Moderator, PeerReviewNomination, PeerReviewPairing
from moderation.selectors import moderator_candidates, moderator_for, rpa_staff


class CreateInRpaView(TenantCreateView):
    """A record of the user's RPA created through a service (hnap.tenant_views.TenantCreateView: the RPA comes from the
    membership, 403 without the role's ADD, the saved record must be within the writer's scope); `perform` calls the
    service, sets `self.object` and returns the success message, and the service's refusals re-display the form."""

    title: str
    submit_label = "Save"
    back_url_name: str
    renamed_errors: dict[str, str] = {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # plain forms: the service writes the record
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit_label=self.submit_label, back_url=reverse(self.back_url_name))
        return context

    def save_form(self, form: Any) -> HttpResponse:
        try:
            message = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, self.renamed_errors)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse(self.back_url_name))

    def perform(self, data: dict[str, Any]) -> str:
        """Call the service, keep its record in `self.object`; returns the success message."""
        raise NotImplementedError


# --- moderators (MOD-1, MOD-2) --------------------------------------------------------------------------------


class ModeratorListView(TenantListView):
    """MOD-1, MOD-2: the RPA's moderators: senior or not, trained when, competence confirmed (by whom, on what) or
    still on trial moderations (which need a second moderator), and how many moderations each has recorded."""

    model = Moderator
    template_name = "moderation/people/moderator_list.html"

    def get_queryset(self) -> Any:
        return selectors.moderators_for_list(moderators=self.scoped())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        senior_of = {
            rpa_id
            for rpa_id in rpa_scope_ids(user, Moderator, Action.VIEW)
            if (mine := moderator_for(user=user, rpa_id=rpa_id)) is not None and mine.is_senior
        }
        for moderator in context["object_list"]:
            moderator.may_confirm = (
                not moderator.is_confirmed and moderator.rpa_id in senior_of and moderator.user_id != user.pk
            )
        context.update(
            can_nominate=role_allows(user, Moderator, Action.ADD) and bool(rpa_scope_ids(user, Moderator, Action.ADD))
        )
        return context


class ModeratorNominateView(CreateInRpaView):
    """MOD-1: the RPA's administrators nominate an experienced assessor of its register as a moderator."""

    model = Moderator
    form_class = forms.ModeratorNominateForm  # type: ignore[assignment]  # a plain form: the service writes
    template_name = "moderation/people/form.html"
    title = "Nominate a moderator"
    submit_label = "Nominate"
    back_url_name = "moderation-moderator-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"people": moderator_candidates(rpa=self.acting_rpa())}

    def perform(self, data: dict[str, Any]) -> str:
        self.object = moderator = core.moderator_nominate(
            rpa=self.acting_rpa(),
            user=data["user"],
            acting_user=cast(User, self.request.user),
            is_senior=data["is_senior"],
            trained_on=data["trained_on"],
        )
        if moderator.is_confirmed:
            return f"{moderator.user.full_name} is a senior moderator of {moderator.rpa.name}."
        return (
            f"{moderator.user.full_name} is nominated as a moderator. Until a senior moderator confirms their "
            "competence, every decision of theirs needs a second moderator (MOD-2)."
        )


class ModeratorConfirmView(TenantRecordFormView):
    """MOD-2: a senior moderator of the RPA confirms a moderator's competence (after trial moderations); from then on
    they decide alone."""

    model = Moderator
    form_class = forms.ModeratorConfirmForm
    template_name = "moderation/people/moderator_confirm.html"
    title = "Confirm the moderator's competence"
    submit_label = "Confirm competence"
    object: Moderator

    def scoped(self, action: Action | None = None) -> Any:
        return selectors.moderators_for_list(moderators=super().scoped(action))

    def allowed(self, user: Any, obj: Any) -> bool:
        mine = moderator_for(user=user, rpa_id=obj.rpa_id)
        return mine is not None and mine.is_senior and obj.user_id != user.pk

    def back_url(self) -> str:
        return reverse("moderation-moderator-list")

    def perform(self, data: dict[str, Any]) -> str:
        core.moderator_confirm(moderator=self.object, acting_user=cast(User, self.request.user), note=data["note"])
        return f"{self.object.user.full_name}'s competence as a moderator is confirmed: they now decide alone."


# --- peer-review pairings (PEER-2) ------------------------------------------------------------------------------


class PairingListView(TenantListView):
    """PEER-2: which RPA peer-reviews which, period by period, each beside the reviewed RPA's previous pairing with a
    warning where it repeats it; the Partnership sees every RPA's, an RPA its own."""

    model = PeerReviewPairing
    template_name = "moderation/people/pairing_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().order_by("-period_start", "rpa__name", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.pairings_with_previous(
            pairings=PeerReviewPairing.objects.filter(pk__in=[p.pk for p in context["object_list"]])
        )
        context["can_set"] = role_allows(self.request.user, PeerReviewPairing, Action.ADD)
        return context


class PairingCreateView(CreateInRpaView):
    """PEER-2: the Partnership sets which RPA peer-reviews which for three months; repeating the previous period's
    pairing must be confirmed."""

    model = PeerReviewPairing
    form_class = forms.PairingForm  # type: ignore[assignment]  # a plain form: the service writes
    template_name = "moderation/people/form.html"
    title = "Set a peer-review pairing"
    submit_label = "Set the pairing"
    renamed_errors = {"rpa": "reviewed", "reviewer_rpa": "reviewer"}
    back_url_name = "moderation-pairing-list"

    def perform(self, data: dict[str, Any]) -> str:
        # The reviewed RPA is the record's tenant: the Partnership (every RPA in its scope) names it.
        self.object = pairing = core.pairing_set(
            rpa=data["reviewed"],
            reviewer_rpa=data["reviewer"],
            period_start=data["period_start"],
            acting_user=cast(User, self.request.user),
            confirm_repeat=data["confirm_repeat"],
        )
        return (
            f"{pairing.reviewer_rpa.name} peer-reviews {pairing.rpa.name} from {pairing.period_start:%B %Y} to "
            f"{pairing.period_end:%B %Y}."
        )


# --- monthly nominations (PEER-1) -----------------------------------------------------------------------------


class NominationListView(TenantListView):
    """PEER-1: the peer reviewer and deputy the RPA provides each month, and to which RPA."""

    model = PeerReviewNomination
    template_name = "moderation/people/nomination_list.html"

    def get_queryset(self) -> Any:
        return (
            self.scoped()
            .select_related("rpa", "reviewed_rpa", "reviewer", "deputy", "nominated_by")
            .order_by("-month", "rpa__name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_nominate"] = bool(rpa_scope_ids(self.request.user, PeerReviewNomination, Action.ADD))
        return context


class NominationCreateView(CreateInRpaView):
    """PEER-1: an RPA's administrators name its peer reviewer and deputy for a month (the RPA reviewed follows from
    the Partnership's pairing)."""

    model = PeerReviewNomination
    form_class = forms.NominationForm  # type: ignore[assignment]  # a plain form: the service writes
    template_name = "moderation/people/form.html"
    title = "Name the peer reviewer for a month"
    submit_label = "Save the nomination"
    back_url_name = "moderation-nomination-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"people": rpa_staff(rpa_id=self.acting_rpa().pk)}

    def perform(self, data: dict[str, Any]) -> str:
        self.object = nomination = core.nomination_set(
            rpa=self.acting_rpa(),
            month=data["month"],
            reviewer=data["reviewer"],
            deputy=data["deputy"],
            acting_user=cast(User, self.request.user),
        )
        return (
            f"{nomination.reviewer.full_name} peer-reviews {nomination.reviewed_rpa.name} in "
            f"{nomination.month:%B %Y}, with {nomination.deputy.full_name} as deputy."
        )
