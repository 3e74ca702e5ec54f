"""Pages of the assessor register and quality management: the register and an assessor's entry; the RPA's edits
(new assessors, senior assessors, the RPAs an assessor will assess for, training); the assessor's own entries (CPD,
conflicts of interest, unavailable weeks); the first solo QA, reviews and quality actions. Every record is reached
through hnap.access (the tenant base views); each form then narrows who may use it to the roles the rule names."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from assessments import selectors, services
from assessments.forms import register as forms
from assessments.models import (
    COMPETENCY_CRITERIA,
    Assessment,
    AssessmentState,
    Assessor,
    AssessorStatus,
    Conflict,
    CPDEntry,
    PerformanceReview,
    QualityAction,
    QualityActionKind,
    TrainingRecord,
    TrainingTopic,
    Unavailability,
    week_start,
)
from assessments.st1380 import KSBS
from hnap.access import holds_role, memberships_of, restrict, role_allows
from hnap.forms import add_service_errors
from hnap.models import RPA, PreparationProvider, User
from hnap.roles import Action, Role
from hnap.tenant_views import (
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantRecordFormView,
    TenantScopedMixin,
)

# What the page says of each status (the tag's colour).
STATUS_TAGS = {
    AssessorStatus.IN_TRAINING: "govuk-tag--blue",
    AssessorStatus.ACTIVE: "govuk-tag--green",
    AssessorStatus.FIRST_SOLO_PENDING_QA: "govuk-tag--yellow",
    AssessorStatus.SUSPENDED: "govuk-tag--orange",
    AssessorStatus.REMOVED: "govuk-tag--grey",
}
# Statuses whose future bookings must go to someone else (ASR-8).
OUT_OF_ALLOCATION = (AssessorStatus.SUSPENDED, AssessorStatus.REMOVED)


def assessor_page(assessor: Assessor) -> str:
    """An assessor's register entry, where every action on it starts and ends."""
    return reverse("assessor-detail", args=[assessor.pk])


def status_tag(assessor: Assessor) -> str:
    return STATUS_TAGS.get(AssessorStatus(assessor.status), "")


# --- the register and an assessor's entry ---------------------------------------------------------


class AssessorListView(TenantListView):
    """The RPA's register for its administrators and senior assessors; an assessor sees only their own entry."""

    model = Assessor
    template_name = "assessments/assessor_list.html"

    def get_queryset(self) -> Any:
        self.filters = forms.AssessorFilterForm(self.request.GET or None)
        # Filters that are valid apply even when another one is not (its error shows by the field).
        self.filters.is_valid()
        values = getattr(self.filters, "cleaned_data", {})
        return selectors.assessors_for_register(
            assessors=self.scoped(),
            status=values.get("status", ""),
            senior=values.get("senior"),
            trained=values.get("trained"),
            q=values.get("q", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for assessor in context["object_list"]:
            assessor.tag = status_tag(assessor)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            filters=self.filters,
            query_string=params.urlencode(),
            as_register=any(
                m.role in (Role.RPA_ADMIN, Role.SENIOR_ASSESSOR) for m in memberships_of(self.request.user)
            ),
            can_add=role_allows(self.request.user, Assessor, Action.ADD),
            topics=len(TrainingTopic.values),
            cpd_year=timezone.localdate().year,
            coming_weeks=selectors.REGISTER_COMING_WEEKS,
        )
        return context


class AssessorCreateView(TenantCreateView):
    """An RPA administrator puts a person on the register (in training until the seven topics are done)."""

    model = Assessor
    form_class = forms.AssessorCreateForm  # type: ignore[assignment]
    template_name = "assessments/assessor_create.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # a plain form: the person's details are not the entry's fields
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"rpa": self.acting_rpa()}

    def save_form(self, form: forms.AssessorCreateForm) -> HttpResponse:
        data = form.cleaned_data
        email = User.objects.normalize_email(data["email"]).lower()
        try:
            self.object, created = services.assessor_add(
                rpa=self.acting_rpa(),
                email=email,
                full_name=data["full_name"],
                acting_user=cast(User, self.request.user),
                is_senior=data["is_senior"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"user": "email"})
            return self.form_invalid(form)  # type: ignore[arg-type]
        account = (
            f" An account was made for {email}: they set their password with 'Forgotten your password?' on the "
            "sign-in page."
            if created
            else ""
        )
        messages.success(
            self.request,
            f"{self.object.user.full_name or email} is on {self.object.rpa.name}'s register, in training until the "
            f"seven topics of initial training are recorded.{account}",
        )
        return HttpResponseRedirect(assessor_page(self.object))


class AssessorDetailView(TenantDetailView):
    """An assessor's register entry: status, training, first solo QA, CPD, conflicts, availability, the RPAs they
    assess for, reviews, quality actions and bookings (those to reallocate when suspended or removed), with the
    actions the viewer may take. Each part lists only what the viewer may see."""

    model = Assessor
    template_name = "assessments/assessor_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("user", "rpa", "first_solo_qa_by").prefetch_related("willing_rpas")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessor, user = self.object, self.request.user
        context["experience"] = selectors.assessor_experience(assessor=assessor)

        def visible(model: type[Model], action: Action = Action.VIEW) -> Any:
            return model.objects.restrict(user, action).filter(assessor=assessor)  # type: ignore[attr-defined]

        training = {record.topic: record for record in visible(TrainingRecord)}
        cpd = list(visible(CPDEntry))
        codes_used = sorted({code for entry in cpd for code in entry.ksbs}, key=lambda c: (c[0], int(c[1:] or 0)))
        unavailable = list(visible(Unavailability).filter(week_start__gte=week_start(timezone.localdate())))
        removable = set(visible(Unavailability, Action.DELETE).values_list("pk", flat=True))
        for week in unavailable:
            week.removable = week.pk in removable
        reviews = list(visible(PerformanceReview).select_related("reviewer"))
        for review in reviews:
            review.ratings = [
                (label, getattr(review, f"get_{name}_display")()) for name, label in COMPETENCY_CRITERIA.items()
            ]
        reallocate = assessor.status in OUT_OF_ALLOCATION
        upcoming = (
            selectors.assessments_to_reallocate(assessor=assessor)
            if reallocate
            else Assessment.objects.filter(
                assessor=assessor, state=AssessmentState.BOOKED, starts_at__gte=timezone.now()
            ).select_related("candidate", "rpa")
        )
        bookings = list(restrict(upcoming, user, Action.VIEW))
        unavailable_mondays = {week.week_start for week in unavailable}
        for booking in bookings:
            booking.in_unavailable_week = booking.week_start in unavailable_mondays
        as_admin = holds_role(user, assessor.rpa_id, Role.RPA_ADMIN)
        as_senior = holds_role(user, assessor.rpa_id, Role.SENIOR_ASSESSOR)
        is_self = assessor.user_id == user.pk
        this_year = timezone.localdate().year
        context.update(
            tag=status_tag(assessor),
            checklist=[(label, training.get(value)) for value, label in TrainingTopic.choices],
            missing=selectors.training_missing(assessor=assessor),
            topics=len(TrainingTopic.values),
            first_solo=restrict(
                Assessment.objects.filter(assessor=assessor, is_first_solo=True).select_related("candidate"),
                user,
                Action.VIEW,
            ).first(),
            cpd=cpd,
            cpd_year=this_year,
            cpd_hours_year=sum(entry.hours for entry in cpd if entry.done_on.year == this_year),
            codes_used=[(code, KSBS.get(code, "")) for code in codes_used],
            conflicts=visible(Conflict).select_related("school", "pop"),
            unavailable=unavailable,
            reviews=reviews,
            quality_actions=visible(QualityAction).select_related("owner"),
            bookings=bookings,
            reallocate=reallocate,
            as_admin=as_admin,
            can_qa=as_senior and not is_self and assessor.status == AssessorStatus.FIRST_SOLO_PENDING_QA,
            can_manage_quality=(as_admin or as_senior) and not is_self,
            can_keep_entries=as_admin or is_self,
            is_self=is_self,
            history=_without_secrets(context["history"]),
        )
        return context


def _without_secrets(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history with the calendar feed's secret link left out (it is a password to the bookings)."""
    for row in history:
        if "calendar_token" in row["diff"]:
            issued = bool(row["diff"]["calendar_token"][1])
            row["diff"] = {**row["diff"], "calendar_token": (None, "new link issued" if issued else "feed turned off")}
    return history


# --- forms on an assessor's entry ------------------------------------------------------------------


class RegisterFormView(TenantRecordFormView):
    """A form acting on one record of the register (an assessor's entry, or one of its records)."""

    template_name = "assessments/assessor_form.html"
    related: ClassVar[tuple[str, ...]] = ("user", "rpa")

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related(*self.related)

    def allowed(self, user: Any, obj: Any) -> bool:
        return self.allowed_on(user, self.assessor())

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        """Who may use the form beyond the role's grant; by default the grant is enough."""
        return True

    def assessor(self) -> Assessor:
        """The assessor the record is about (named on the page)."""
        return self.object if isinstance(self.object, Assessor) else self.object.assessor

    def acting_user(self) -> User:
        return cast(User, self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"assessor": self.assessor()}

    def back_url(self) -> str:
        return assessor_page(self.assessor())


class AssessorFormView(RegisterFormView):
    """A form on an assessor's entry; only the administrators of the assessor's RPA, unless said."""

    model = Assessor
    object: Assessor

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        return holds_role(user, assessor.rpa_id, Role.RPA_ADMIN)


class QualityManagementFormView(AssessorFormView):
    """Quality management of an assessor (ASR-7, ASR-8): the RPA's administrators and senior assessors, never on
    their own entry."""

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        managers = holds_role(user, assessor.rpa_id, Role.RPA_ADMIN) or holds_role(
            user, assessor.rpa_id, Role.SENIOR_ASSESSOR
        )
        return managers and assessor.user_id != user.pk


class OwnEntryFormView(AssessorFormView):
    """A form on the assessor's own entries (CPD, conflicts, unavailable weeks): the assessor keeps them up to date,
    or an administrator of their RPA does. The route declares CHANGE (for the administrator, a write on the entry);
    the assessor, whose role only views their own entry, reaches it through that VIEW scope."""

    def get_object(self, queryset: Any = None) -> Any:
        visible = self.scoped(Action.VIEW).filter(pk=self.kwargs.get("pk")).first()
        # Not visible: the base view answers 404 or 403, as for any record.
        return visible if visible is not None else super().get_object(queryset)

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        return assessor.user_id == user.pk or holds_role(user, assessor.rpa_id, Role.RPA_ADMIN)


class AssessorSeniorView(AssessorFormView):
    """ASR-4: name (or stop naming) the assessor a senior assessor of the RPA."""

    form_class = forms.SeniorForm
    title = "Senior assessor"
    submit_label = "Save"

    def get_initial(self) -> dict[str, Any]:
        return {"is_senior": "yes" if self.object.is_senior else "no"}

    def perform(self, data: dict[str, Any]) -> str:
        services.assessor_set_senior(assessor=self.object, is_senior=data["is_senior"], acting_user=self.acting_user())
        name = self.object.user.full_name
        if data["is_senior"]:
            return f"{name} is a senior assessor of {self.object.rpa.name}."
        return f"{name} is no longer a senior assessor of {self.object.rpa.name}."


class AssessorWillingView(AssessorFormView):
    """ASR-5: the other RPAs of the Partnership the assessor will assess for (set by their own RPA)."""

    form_class = forms.WillingForm
    template_name = "assessments/assessor_willing.html"
    title = "RPAs this assessor assesses for"
    submit_label = "Save"

    def get_form_kwargs(self) -> dict[str, Any]:
        others = RPA.objects.filter(active=True).exclude(pk=self.object.rpa_id).order_by("name")
        return super().get_form_kwargs() | {"rpas": others}

    def get_initial(self) -> dict[str, Any]:
        return {"rpas": list(self.object.willing_rpas.all())}

    def perform(self, data: dict[str, Any]) -> str:
        services.assessor_set_willing(assessor=self.object, rpas=list(data["rpas"]))
        names = ", ".join(rpa.name for rpa in data["rpas"])
        if names:
            return f"{self.object.user.full_name} also assesses for {names}."
        return f"{self.object.user.full_name} assesses only for {self.object.rpa.name}."


class TrainingRecordView(AssessorFormView):
    """ASR-1: record a topic of initial training; with all seven done an assessor in training becomes active."""

    form_class = forms.TrainingForm
    template_name = "assessments/training_form.html"
    title = "Record initial training"
    submit_label = "Record the topic"

    def get_initial(self) -> dict[str, Any]:
        return {"completed_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        done = {
            record.topic: record
            for record in TrainingRecord.objects.restrict(self.request.user, Action.VIEW).filter(assessor=self.object)
        }
        checklist = [(label, done.get(value)) for value, label in TrainingTopic.choices]
        return super().get_context_data(**kwargs) | {"checklist": checklist, "topics": len(TrainingTopic.values)}

    def perform(self, data: dict[str, Any]) -> str:
        was_training = self.object.status == AssessorStatus.IN_TRAINING
        record = services.training_record(
            assessor=self.object, topic=data["topic"], completed_on=data["completed_on"], trainer=data["trainer"]
        )
        missing = selectors.training_missing(assessor=self.object)
        message = f"{record.get_topic_display()} recorded for {self.object.user.full_name}."
        if not missing:
            message += " Initial training is complete"
            message += ": they are now active." if was_training and self.object.status == AssessorStatus.ACTIVE else "."
        else:
            message += f" {len(missing)} of {len(TrainingTopic.values)} topics still to do."
        return message


class FirstSoloQAView(AssessorFormView):
    """ASR-2: a senior assessor of the RPA quality-assures a new assessor's first solo assessment."""

    form_class = forms.FirstSoloQAForm
    template_name = "assessments/assessor_first_solo_qa.html"
    title = "Quality-assure the first solo assessment"
    submit_label = "Record the quality assurance"

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        return holds_role(user, assessor.rpa_id, Role.SENIOR_ASSESSOR) and assessor.user_id != user.pk

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        first_solo = restrict(
            Assessment.objects.filter(assessor=self.object, is_first_solo=True).select_related("candidate"),
            self.request.user,
            Action.VIEW,
        ).first()
        return super().get_context_data(**kwargs) | {"first_solo": first_solo}

    def perform(self, data: dict[str, Any]) -> str:
        services.first_solo_qa_record(assessor=self.object, acting_user=self.acting_user(), note=data["note"])
        return (
            f"First solo assessment of {self.object.user.full_name} quality-assured: they are active and can be "
            "allocated again. The assessment is still scrutinised at moderation."
        )


class ReviewCreateView(QualityManagementFormView):
    """ASR-7: review an assessor against the six competency criteria; they are told and read the feedback."""

    form_class = forms.ReviewForm
    title = "Review the assessor's performance"
    submit_label = "Record the review"

    def perform(self, data: dict[str, Any]) -> str:
        services.review_record(
            assessor=self.object,
            reviewer=self.acting_user(),
            feedback=data["feedback"],
            **{name: data[name] for name in COMPETENCY_CRITERIA},
        )
        return f"Review recorded. {self.object.user.full_name} has been told and can read the feedback."


class QualityActionCreateView(QualityManagementFormView):
    """ASR-8: open a quality action; a suspension or removal takes the assessor out of allocation at once."""

    form_class = forms.QualityActionForm
    title = "Open a quality action"
    submit_label = "Open the action"

    def get_form_kwargs(self) -> dict[str, Any]:
        owners = (
            User.objects.filter(
                memberships__rpa=self.object.rpa_id,
                memberships__role__in=[Role.RPA_ADMIN, Role.SENIOR_ASSESSOR],
                is_active=True,
            )
            .distinct()
            .order_by("full_name", "email")
        )
        return super().get_form_kwargs() | {"owners": owners}

    def perform(self, data: dict[str, Any]) -> str:
        self.quality_action = services.quality_action_open(
            assessor=self.object,
            kind=data["kind"],
            reason=data["reason"],
            acting_user=self.acting_user(),
            owner=data["owner"],
            due_on=data["due_on"],
        )
        message = f"{self.quality_action.get_kind_display()} opened for {self.object.user.full_name}."
        if self.quality_action.kind in (QualityActionKind.SUSPEND, QualityActionKind.REMOVAL):
            count = restrict(
                selectors.assessments_to_reallocate(assessor=self.object), self.request.user, Action.VIEW
            ).count()
            message += f" They can no longer be allocated. Bookings to reallocate: {count}."
        return message

    def get_success_url(self) -> str:
        if self.quality_action.kind in (QualityActionKind.SUSPEND, QualityActionKind.REMOVAL):
            return assessor_page(self.object)  # where the bookings to reallocate are listed
        return reverse("quality-action-detail", args=[self.quality_action.pk])


class CPDCreateView(OwnEntryFormView):
    """ASR-3: record CPD mapped to the knowledge, skills and behaviours of the assessor standard ST1380."""

    form_class = forms.CPDForm
    template_name = "assessments/cpd_form.html"
    title = "Record CPD"
    submit_label = "Record the CPD"

    def get_initial(self) -> dict[str, Any]:
        return {"done_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"ksbs": list(KSBS.items())}

    def perform(self, data: dict[str, Any]) -> str:
        entry = services.cpd_add(
            assessor=self.object,
            done_on=data["done_on"],
            title=data["title"],
            hours=data["hours"],
            ksbs=data["ksbs"],
            reflection=data["reflection"],
        )
        return f"CPD recorded: {entry.title}, {entry.hours} hours."


class ConflictCreateView(OwnEntryFormView):
    """ASR-9: declare a connection with a school or a PoP; allocation leaves their candidates out at once."""

    form_class = forms.ConflictForm
    template_name = "assessments/conflict_form.html"
    title = "Declare a conflict of interest"
    submit_label = "Declare the conflict"
    renamed_errors = {"school": "school_urn"}

    def get_form_kwargs(self) -> dict[str, Any]:
        pops = PreparationProvider.objects.filter(rpas=self.object.rpa_id).order_by("name")
        return super().get_form_kwargs() | {"pops": pops}

    def perform(self, data: dict[str, Any]) -> str:
        conflict = services.conflict_declare(
            assessor=self.object, reason=data["reason"], school=data["school_urn"], pop=data["pop"]
        )
        return (
            f"Conflict declared with {conflict.school or conflict.pop}: {self.object.user.full_name} will not be "
            "allocated its candidates."
        )


class UnavailabilityCreateView(OwnEntryFormView):
    """A week the assessor cannot assess (allocation leaves them out that week)."""

    form_class = forms.UnavailabilityForm
    title = "Mark a week unavailable"
    submit_label = "Mark the week unavailable"

    def perform(self, data: dict[str, Any]) -> str:
        week = services.unavailability_set(assessor=self.object, day=data["day"], reason=data["reason"])
        return (
            f"{self.object.user.full_name} is unavailable in the week of Monday {week.week_start:%d %B %Y}. "
            "A booking already made that week is not moved: it is marked on this page."
        )


class UnavailabilityDeleteView(TenantScopedMixin, View):
    """The assessor is available that week after all (POST from the assessor's page)."""

    model = Unavailability
    action = Action.DELETE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        assessor = self.object.assessor
        monday = self.object.week_start
        services.unavailability_remove(unavailability=self.object)
        messages.success(request, f"{assessor.user.full_name} is available in the week of Monday {monday:%d %B %Y}.")
        return HttpResponseRedirect(assessor_page(assessor))


# --- quality actions -------------------------------------------------------------------------------


class QualityActionDetailView(TenantDetailView):
    """One quality action: what, why, who owns it, by when, and its outcome."""

    model = QualityAction
    template_name = "assessments/quality_action_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("assessor__user", "assessor__rpa", "owner", "opened_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        action = self.object
        can_close = action.closed_on is None and self.scoped(Action.CHANGE).filter(pk=action.pk).exists()
        return context | {"assessor": action.assessor, "can_close": can_close}


class QualityActionCloseView(RegisterFormView):
    """ASR-8: close a quality action with its outcome; closing a suspension may reinstate the assessor."""

    model = QualityAction
    related = ("assessor__user", "assessor__rpa")
    form_class = forms.QualityActionCloseForm
    template_name = "assessments/quality_action_close.html"
    title = "Close the quality action"
    submit_label = "Close the action"
    object: QualityAction

    def allowed_on(self, user: User, assessor: Assessor) -> bool:
        return assessor.user_id != user.pk  # a senior assessor never closes an action on themself

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"suspension": self.object.kind == QualityActionKind.SUSPEND}

    def perform(self, data: dict[str, Any]) -> str:
        services.quality_action_close(
            action=self.object,
            acting_user=self.acting_user(),
            outcome=data["outcome"],
            reinstate=data.get("reinstate", False),
        )
        assessor = self.object.assessor
        assessor.refresh_from_db(fields=["status"])
        status = assessor.get_status_display().lower()
        return f"{self.object.get_kind_display()} closed. {assessor.user.full_name} is {status}."
