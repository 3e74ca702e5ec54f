"""Public pages of each RPA (no sign-in): its contact page with the named point of contact (ENQ-2) and the
enquiry form (ENQ-1: honeypot and rate limit, a reference at once), and its appeals procedure (APP-2). They show
only what each RPA publishes; a signed-in person's enquiry is linked to them so they can follow it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import TemplateView, View

from appeals.forms.enquiries import PublicEnquiryForm
from appeals.models import EnquiryChannel
from appeals.services import enquiry_receive
from appeals.spam import enquiry_rate_allowed, honeypot_filled
from hnap.forms import add_service_errors
from hnap.models import RPA

SESSION_KEY = "appeals:last-enquiry"
RATE_LIMITED = (
    "You have sent several enquiries in the last hour. Please wait an hour before sending another, or phone us."
)


def _active_rpa(slug: str) -> RPA:
    return get_object_or_404(RPA, slug=slug, active=True)


class ContactIndexView(TemplateView):
    """Every RPA's public contact and appeals pages."""

    template_name = "appeals/public/contact_index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rpas"] = RPA.objects.filter(active=True).order_by("name")
        return context


class RpaContactView(View):
    """ENQ-2: the RPA's named point of contact with contact details; ENQ-1: the enquiry form."""

    template_name = "appeals/public/contact.html"

    def render_form(self, request: HttpRequest, rpa: RPA, form: PublicEnquiryForm, status: int = 200) -> HttpResponse:
        return render(request, self.template_name, {"rpa": rpa, "form": form}, status=status)

    def initial(self, request: HttpRequest) -> dict[str, str]:
        user = request.user
        return {"name": user.full_name, "email": user.email} if user.is_authenticated else {}  # type: ignore[union-attr]

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_form(request, _active_rpa(slug), PublicEnquiryForm(initial=self.initial(request)))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        rpa = _active_rpa(slug)
        form = PublicEnquiryForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, rpa, form)
        data = form.cleaned_data
        if honeypot_filled(data["website"]):
            # A robot: it is shown the usual thanks, and nothing is kept or sent.
            request.session[SESSION_KEY] = {"rpa": rpa.slug, "reference": ""}
            return redirect("rpa-contact-sent", slug=rpa.slug)
        if not enquiry_rate_allowed(email=data["email"], ip=request.META.get("REMOTE_ADDR", "")):
            form.add_error(None, RATE_LIMITED)
            return self.render_form(request, rpa, form, status=429)
        user = request.user if request.user.is_authenticated else None
        try:
            enquiry = enquiry_receive(
                rpa=rpa,
                channel=EnquiryChannel.SIGNED_IN if user else EnquiryChannel.WEB_FORM,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                organisation=data["organisation"],
                nature=data["nature"],
                subject=data["subject"],
                message=data["message"],
                raised_by=user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_form(request, rpa, form)
        request.session[SESSION_KEY] = {"rpa": rpa.slug, "reference": enquiry.reference}
        return redirect("rpa-contact-sent", slug=rpa.slug)


class RpaContactSentView(View):
    """The enquiry's reference, and when to expect an acknowledgement and an answer (ENQ-1)."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        rpa = _active_rpa(slug)
        sent = request.session.get(SESSION_KEY) or {}
        if sent.get("rpa") != rpa.slug:
            return redirect("rpa-contact", slug=rpa.slug)
        return render(request, "appeals/public/contact_sent.html", {"rpa": rpa, "reference": sent.get("reference")})


class RpaAppealsProcedureView(View):
    """APP-2: the RPA's appeals procedure, published."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return render(request, "appeals/public/appeals_procedure.html", {"rpa": _active_rpa(slug)})
