"""Pages of transfers (RISK-1): the list (sent, received, and for the Partnership all), proposing one, its page with
the preview of what will move (or, once done, the summary), carrying it out after confirming, declining and
withdrawing. Transfers are reached through Transfer.objects.restrict (the receiving RPA's administrators also see a
completed one); the rules live in transfers.services and transfers.selectors."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from hnap.access import holds_role, rpa_scope_ids
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Action, Role
from hnap.tenant_views import TenantCreateView, TenantDetailView, TenantListView, TenantRecordFormView
from transfers import forms
from transfers.models import Transfer, TransferState
from transfers.selectors import is_partnership_admin, transfer_preview
from transfers.services import transfer_decline, transfer_execute, transfer_propose, transfer_withdraw


class TransferScoped:
    """Transfers through their own chokepoint: the sender's roles, the Partnership's, and a receiver's view of a
    completed transfer."""

    model = Transfer
    request: Any
    action: Action

    def scoped(self, action: Action | None = None) -> Any:
        return Transfer.objects.all().restrict(self.request.user, action or self.action)


class TransferListView(TransferScoped, TenantListView):
    """Transfers sent and received (the Partnership: every one), newest first."""

    template_name = "transfers/transfer_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("rpa", "to_rpa").order_by("-proposed_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_propose"] = bool(rpa_scope_ids(self.request.user, Transfer, Action.ADD))
        return context


class TransferProposeView(TransferScoped, TenantCreateView):
    """The sending RPA's administrator proposes a transfer; the Partnership then decides."""

    form_class = forms.ProposeForm  # type: ignore[assignment]  # a plain form: the service makes the transfer
    template_name = "transfers/transfer_propose.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # a plain form: the service makes the transfer
        return kwargs

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        rpa = self.acting_rpa()
        form.fields["candidate"].queryset = form.fields["candidate"].queryset.filter(rpa=rpa)
        form.fields["course"].queryset = form.fields["course"].queryset.filter(rpa=rpa)
        form.fields["to_rpa"].queryset = form.fields["to_rpa"].queryset.exclude(pk=rpa.pk)
        return form

    def save_form(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            self.object = transfer_propose(
                rpa=self.acting_rpa(),
                to_rpa=data["to_rpa"],
                scope=data["scope"],
                candidate=data.get("candidate"),
                course=data.get("course"),
                reason=data["reason"],
                acting_user=cast(User, self.request.user),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Transfer proposed. The Partnership decides it.")
        return HttpResponseRedirect(reverse("transfer-detail", args=[self.object.pk]))


class TransferDetailView(TransferScoped, TenantDetailView):
    """A transfer: while proposed, the preview of what will move now; once done, the summary and whom it moved."""

    template_name = "transfers/transfer_detail.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa", "to_rpa", "proposed_by", "decided_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        transfer: Transfer = self.object
        user = self.request.user
        proposed = transfer.state == TransferState.PROPOSED
        is_sender = holds_role(user, transfer.rpa_id, Role.RPA_ADMIN)
        context.update(
            transfer=transfer,
            preview=transfer_preview(transfer=transfer) if proposed else None,
            moved=transfer.candidates.all() if transfer.state == TransferState.DONE else [],
            can_decide=proposed and is_partnership_admin(user),
            can_withdraw=proposed and is_sender,
        )
        return context


class _TransferAction(TransferScoped, TenantRecordFormView):
    object: Transfer

    def back_url(self) -> str:
        return reverse("transfer-detail", args=[self.object.pk])


class TransferExecuteView(_TransferAction):
    """The preview of what will move, then the Partnership's confirmation carries it out in one transaction."""

    form_class = forms.ExecuteForm
    template_name = "transfers/transfer_execute.html"
    title = "Approve and carry out the transfer"
    submit_label = "Transfer the candidates"

    def allowed(self, user: Any, obj: Any) -> bool:
        return is_partnership_admin(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object.state == TransferState.PROPOSED:
            context["preview"] = transfer_preview(transfer=self.object)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        done = transfer_execute(transfer=self.object, acting_user=cast(User, self.request.user))
        return f"{done.summary['candidates']} candidate(s) transferred to {done.to_rpa.name}."


class TransferDeclineView(_TransferAction):
    form_class = forms.DeclineForm
    template_name = "transfers/transfer_action.html"
    title = "Decline the transfer"
    submit_label = "Decline"
    renamed_errors = {"note": "note"}

    def allowed(self, user: Any, obj: Any) -> bool:
        return is_partnership_admin(user)

    def perform(self, data: dict[str, Any]) -> str:
        transfer_decline(transfer=self.object, note=data["note"], acting_user=cast(User, self.request.user))
        return "Transfer declined; the sending RPA is told why."


class TransferWithdrawView(_TransferAction):
    form_class = forms.WithdrawForm
    template_name = "transfers/transfer_action.html"
    title = "Withdraw the proposal"
    submit_label = "Withdraw"

    def allowed(self, user: Any, obj: Any) -> bool:
        return holds_role(user, obj.rpa_id, Role.RPA_ADMIN)

    def perform(self, data: dict[str, Any]) -> str:
        transfer_withdraw(transfer=self.object, acting_user=cast(User, self.request.user))
        return "Proposal withdrawn."
