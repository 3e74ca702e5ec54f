"""Pages of the Partnership layer: home, health, notifications, sign-in with two-factor, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, ListView, TemplateView
from django_otp import login as otp_login

from hnap import forms
from hnap.access import memberships_of
from hnap.health import health_response
from hnap.models import ClosureDay, Deadline, Notification
from hnap.selectors import deadline_counts, deadlines_filtered
from hnap.services import closure_day_add
from hnap.tenant_views import TenantCreateView, TenantDetailView, TenantListView
from hnap.twofactor import (
    confirmed_device,
    device_confirm,
    device_qr_svg,
    device_secret_text,
    device_start_setup,
    two_factor_required,
)

PENDING_USER_KEY = "hnap_2fa_pending_user"
PENDING_NEXT_KEY = "hnap_2fa_next"


def healthz(request: HttpRequest) -> JsonResponse:
    """Health of the database, Redis, a worker and beat, as JSON; 503 when any is down. HealthzMiddleware answers
    first (before sessions); this view keeps the route's name for links and answers where that middleware is absent."""
    return health_response()


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in person's start page: their roles and where to go next."""

    template_name = "hnap/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = memberships_of(self.request.user)
        context["two_factor"] = confirmed_device(user=self.request.user) is not None
        return context


class NotificationListView(LoginRequiredMixin, ListView):
    """The signed-in person's own notifications."""

    template_name = "hnap/notification_list.html"
    paginate_by = 25

    def get_queryset(self) -> Any:
        # Notifications belong to one user, not to a tenant: scoped to the user directly.
        return Notification.objects.filter(user=self.request.user)


class SignInView(auth_views.LoginView):
    """Email and password; people with an authenticator then give a code."""

    form_class = forms.SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A session signed in without a code for someone who now has an authenticator (set up in another
        # browser, say) is sent here by TwoFactorRequiredMiddleware: show the form so they can sign in with
        # their code, rather than bounce them back to the page that sent them (a redirect loop).
        if _needs_code(request):
            self.redirect_authenticated_user = False
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: forms.SignInForm) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user=user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_USER_KEY] = user.pk
        self.request.session[BACKEND_SESSION_KEY + "_pending"] = user.backend
        self.request.session[PENDING_NEXT_KEY] = self.get_success_url()
        return HttpResponseRedirect(reverse("two-factor-verify"))


def _needs_code(request: HttpRequest) -> bool:
    """Signed in, not verified with a code this session, yet the user has a confirmed authenticator."""
    user = request.user
    return bool(
        user.is_authenticated
        and not user.is_verified()  # type: ignore[attr-defined, union-attr]
        and confirmed_device(user=user) is not None
    )


class TwoFactorVerifyView(FormView):
    """Second step of sign-in: a code from the authenticator app."""

    form_class = forms.TokenForm
    template_name = "registration/two_factor_verify.html"
    max_attempts = 5

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if PENDING_USER_KEY not in request.session:
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: forms.TokenForm) -> HttpResponse:
        session = self.request.session
        user = get_user_model().objects.filter(pk=session[PENDING_USER_KEY], is_active=True).first()
        device = confirmed_device(user=user) if user else None
        if user is None or device is None:
            return redirect("login")
        if not device.verify_token(form.cleaned_data["token"]):
            attempts = session.get("hnap_2fa_attempts", 0) + 1
            session["hnap_2fa_attempts"] = attempts
            if attempts >= self.max_attempts:
                session.flush()
                messages.error(self.request, "Too many wrong codes. Sign in again.")
                return redirect("login")
            form.add_error("token", "The code is not right or has expired. Enter the current code.")
            return self.form_invalid(form)
        backend = session.pop(BACKEND_SESSION_KEY + "_pending")
        next_url = session.pop(PENDING_NEXT_KEY, reverse("home"))
        session.pop(PENDING_USER_KEY)
        session.pop("hnap_2fa_attempts", None)
        login(self.request, user, backend=backend)
        otp_login(self.request, device)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            next_url = reverse("home")
        return HttpResponseRedirect(next_url)


class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with a code."""

    form_class = forms.TokenForm
    template_name = "registration/two_factor_setup.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Replacing an existing authenticator needs a session verified with it; otherwise a session signed
        # in without a code could swap in its own device and get round two-factor sign-in.
        if _needs_code(request):
            return redirect(f"{reverse('login')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        device = device_start_setup(user=self.request.user)
        context.update(
            qr_svg=device_qr_svg(device=device),
            secret=device_secret_text(device=device),
            required=two_factor_required(user=self.request.user),
            has_device=confirmed_device(user=self.request.user) is not None,
        )
        return context

    def form_valid(self, form: forms.TokenForm) -> HttpResponse:
        device = device_start_setup(user=self.request.user)
        if not device_confirm(device=device, token=form.cleaned_data["token"]):
            form.add_error("token", "The code is not right or has expired. Enter the current code.")
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, "Two-factor sign-in is set up. You will be asked for a code each time.")
        return super().form_valid(form)


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only)."""


_API_ERRORS = {403: "You do not have permission to perform this action.", 404: "Not found.", 500: "Server error."}


def error_page(status: int, template: str) -> Any:
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if request.path.startswith("/api/"):
            # An API client asked (e.g. /api/v1/candidates/1.5/, which no route matches): it reads JSON, as the
            # API's own errors are, not the GOV.UK page.
            return JsonResponse({"detail": _API_ERRORS.get(status, "Error.")}, status=status)
        if status == 500:
            # Drawn without the request's context processors: they read the signed-in user, and with the database
            # down that would fail again inside the error page (the visitor then got the server's bare error).
            return HttpResponse(loader.render_to_string(template), status=status)
        return render(request, template, status=status)

    return view


class DeadlineDashboardView(TenantListView):
    """The RPA's deadlines: due today, at risk and breached, filterable, with counts."""

    model = Deadline
    template_name = "hnap/deadline_dashboard.html"

    def get_queryset(self) -> Any:
        self.filters = forms.DeadlineFilterForm(self.request.GET or None)
        values = self.filters.cleaned_data if self.filters.is_valid() else {}
        return deadlines_filtered(
            deadlines=self.scoped(),
            state=values.get("state", ""),
            window=values.get("window", ""),
            q=values.get("q", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["counts"] = deadline_counts(deadlines=self.scoped())
        context["filters"] = self.filters
        context["query_string"] = self.request.GET.copy()
        context["query_string"].pop("page", None)
        context["query_string"] = context["query_string"].urlencode()
        context["now"] = timezone.now()
        return context


class DeadlineDetailView(TenantDetailView):
    """One deadline with its notices and history."""

    model = Deadline
    template_name = "hnap/deadline_detail.html"


class ClosureDayListView(TenantListView):
    """The RPA's closure days."""

    model = ClosureDay
    template_name = "hnap/closureday_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("rpa").order_by("-day")


class ClosureDayCreateView(TenantCreateView):
    """Add a closure day; open deadlines that cross it move on."""

    model = ClosureDay
    form_class = forms.ClosureDayForm
    template_name = "hnap/closureday_form.html"
    success_url = reverse_lazy("closureday-list")

    def save_form(self, form: forms.ClosureDayForm) -> HttpResponse:
        try:
            self.object = closure_day_add(
                rpa=self.acting_rpa(), day=form.cleaned_data["day"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("day", error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.object} added. Deadlines that cross it have moved on.")
        return HttpResponseRedirect(self.get_success_url())


class ClosureDayDetailView(TenantDetailView):
    """One closure day with its history."""

    model = ClosureDay
    template_name = "hnap/closureday_detail.html"
