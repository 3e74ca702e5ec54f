"""The Partnership layer: users, RPAs (the tenants), regions, schools, PoPs, memberships, national
settings, HLTA standards, closure days, deadlines, notices, notifications and object grants."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hnap.access import RestrictedManager
from hnap.audit import audited
from hnap.roles import Role


class UserManager(BaseUserManager["User"]):
    """Creates users who sign in with their email address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to hnap with their email address; what they may do comes from memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the technical admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# APP-2..APP-4, APP-6 in words a candidate reads; each RPA can replace it with its own.
DEFAULT_APPEALS_PROCEDURE = """You have the right to appeal against the outcome of your HLTA assessment.

An appeal can be made only by you, the candidate, and only on these grounds: that we used procedures that are \
not consistent with the HLTA National Assessment Partnership's Code of Practice, or that we used them improperly \
or unfairly in reaching the judgement. An appeal against the assessor's academic judgement alone cannot be accepted.

To appeal, write to us through your sign-in (or ask us to log your appeal once we have confirmed who you \
are), saying which ground you appeal on and the evidence for it. We will acknowledge your appeal, tell you \
within what time it will be considered, and send you a written account of the outcome.

If you are still dissatisfied with the outcome, you can refer your case to the HLTA National Assessment \
Partnership, which will convene a review panel of two senior assessors from two other RPAs."""


class RPA(models.Model):
    """A Regional Provider of Assessment: the tenant whose data is walled off from the others'."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    contact_name = models.CharField(max_length=200, help_text="The named point of contact (ENQ-2).")
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Receives escalations of breached deadlines (ENQ-3).",
    )
    active = models.BooleanField(default=True)
    assessment_window_min_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="Earliest assessment, in weeks after the final preparation session (ASM-1)."
    )
    assessment_window_max_weeks = models.PositiveSmallIntegerField(
        default=9, help_text="Latest assessment, in weeks after the final preparation session (ASM-1)."
    )
    appeals_procedure = models.TextField(
        default=DEFAULT_APPEALS_PROCEDURE,
        help_text="The RPA's appeals procedure, sent to candidates with the first information about their assessment "
        "and published on a public page (APP-2).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "RPA"
        verbose_name_plural = "RPAs"

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A region of England as the Department for Education names it (GIAS "GOR (name)")."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionCoverage(models.Model):
    """Which RPA serves a region, or one local authority of it (REGION-1); an authority rule beats a region rule."""

    rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="coverage")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="coverage")
    local_authority = models.CharField(
        max_length=100, blank=True, help_text="Blank: the whole region. Otherwise one local authority."
    )

    class Meta:
        ordering = ["rpa__name", "region__name", "local_authority"]
        constraints = [
            models.UniqueConstraint(fields=["region"], condition=Q(local_authority=""), name="one_rpa_per_region"),
            models.UniqueConstraint(
                fields=["local_authority"], condition=~Q(local_authority=""), name="one_rpa_per_authority"
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | ~Q(local_authority=""), name="coverage_names_an_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority or self.region} -> {self.rpa}"


class School(models.Model):
    """A school or setting from the DfE register (GIAS); its region and authority decide its RPA (REGION-1)."""

    urn = models.PositiveIntegerField(unique=True, verbose_name="URN")
    name = models.CharField(max_length=250)
    local_authority = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools")
    phase = models.CharField(max_length=100, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    rpa = models.ForeignKey(
        RPA,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schools",
        help_text="Derived from the region coverage; blank when no RPA covers the school's area.",
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["rpa", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"


class PreparationProvider(models.Model):
    """A Provider of Preparation (PoP): runs preparation courses and registers candidates with one or more RPAs."""

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField()
    rpas = models.ManyToManyField(RPA, related_name="preparation_providers", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Provider of Preparation"

    def __str__(self) -> str:
        return self.name


@audited()
class Membership(models.Model):
    """A role held by a user in one RPA, one PoP, the Partnership, or as a candidate; a user can hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    rpa = models.ForeignKey(RPA, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    pop = models.ForeignKey(
        PreparationProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "rpa", "pop"], nulls_distinct=False, name="membership_unique"
            ),
            # The scope of a membership follows from its role (see hnap/roles.py).
            models.CheckConstraint(
                condition=(
                    Q(role__in=Role.rpa_roles(), rpa__isnull=False, pop__isnull=True)
                    | Q(role=Role.POP_USER, rpa__isnull=True, pop__isnull=False)
                    | Q(role=Role.PARTNERSHIP_ADMIN, rpa__isnull=True, pop__isnull=True)
                    | Q(role=Role.CANDIDATE, rpa__isnull=False, pop__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} ({self.rpa or self.pop or 'Partnership'})"


class NationalFee(models.Model):
    """The national assessment fee set by the Partnership (PAY-2, PART-1), in force from a date, reviewed yearly."""

    amount_pence = models.PositiveIntegerField()
    effective_from = models.DateField(unique=True)
    review_due = models.DateField(help_text="The annual review date.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"GBP {self.amount_pence / 100:.2f} from {self.effective_from}"


class StandardFramework(models.Model):
    """A set of HLTA professional standards (England's 33; Wales's 36), loaded as data."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_framework")
        ]

    def __str__(self) -> str:
        return self.name


class HLTAStandard(models.Model):
    """One HLTA standard of a framework: its number, section and short title."""

    framework = models.ForeignKey(StandardFramework, on_delete=models.PROTECT, related_name="standards")
    number = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=120)
    short_title = models.CharField(max_length=250)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="standard_number_unique")]
        verbose_name = "HLTA standard"

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"


class NationalSampledStandards(models.Model):
    """The nationally agreed standards every RPA moderates in a given month (MOD-5, PART-1)."""

    month = models.DateField(unique=True, help_text="The first day of the month.")
    standards = models.ManyToManyField(HLTAStandard, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-month"]
        verbose_name_plural = "national sampled standards"

    def __str__(self) -> str:
        return f"Standards sampled in {self.month:%B %Y}"


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned record: it carries its RPA directly and is reached only through `restrict`."""

    rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedManager()

    class Meta:
        abstract = True


@audited()
class ClosureDay(TenantOwnedModel):
    """A day an RPA is closed; it is not a working day for that RPA's deadlines."""

    day = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["rpa", "day"], name="closure_day_unique")]

    def __str__(self) -> str:
        return f"{self.day:%d %B %Y}: {self.reason}"


class DeadlineState(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    CANCELLED = "cancelled", "Cancelled"


@audited()
class Deadline(TenantOwnedModel):
    """Something an RPA owes by a due time, counted in working days; the one model of every deadline."""

    access_owner_path = "responsible"

    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=250)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines"
    )
    starts_on = models.DateField(help_text="The day the working-day count starts from.")
    working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank when the due time was given directly."
    )
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The sweep's one query: open deadlines whose reminder or due time has come.
            models.Index(fields=["remind_at"], condition=Q(state="open"), name="deadline_open_remind"),
            models.Index(fields=["due_at"], condition=Q(state="open"), name="deadline_open_due"),
            models.Index(fields=["rpa", "state", "due_at"]),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(fields=["due_at", "id"], name="deadline_list_order"),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                condition=Q(state="open"),
                name="one_open_deadline_per_kind_and_object",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == DeadlineState.OPEN and self.due_at <= timezone.now()


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"


class DeadlineNotice(TenantOwnedModel):
    """A reminder or escalation sent for a deadline; its unique key makes each notice go exactly once."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recipient_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=True), name="notice_unsent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.deadline}"


class Notification(models.Model):
    """A message in a user's in-product notification list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=250)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


class ObjectGrant(models.Model):
    """A cross-RPA object grant (ASR-5, PEER-4, APP-7): why, by whom, until when; guardian holds the permission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="object_grants")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    permissions = models.JSONField(default=list, help_text="Codenames granted, e.g. ['view_deadline'].")
    reason = models.CharField(max_length=250)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["expires_at"], condition=Q(revoked_at__isnull=True), name="grant_live")]

    def __str__(self) -> str:
        return f"{self.user} -> {self.content_type.model} {self.object_id}"


class PendingTask(models.Model):
    """A task a page asked for while the broker (Redis) was unreachable, published once it is back."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Kept so that the id the page was given stays the task's id when it is finally published.
    task_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.task_id}"
