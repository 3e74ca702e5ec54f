"""factory_boy factories of the Partnership layer, for tests and benchmarks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap import models
from hnap.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save(update_fields=["password"])  # type: ignore[attr-defined]


class RPAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RPA
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test RPA {n}")
    slug = factory.Sequence(lambda n: f"test-rpa-{n}")
    contact_name = "RPA office"
    contact_email = factory.LazyAttribute(lambda o: f"office@{o.slug}.example.org")


class PreparationProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PreparationProvider
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Preparation Provider {n}")
    contact_email = factory.Sequence(lambda n: f"pop{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    role = Role.RPA_ADMIN
    rpa = factory.LazyFunction(lambda: models.RPA.objects.order_by("pk").first())
    pop = None


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.School
        django_get_or_create = ["urn"]

    urn = factory.Sequence(lambda n: 200000 + n)
    name = factory.Sequence(lambda n: f"School number {n}")
    local_authority = "Hertfordshire"
    region = factory.LazyFunction(lambda: models.Region.objects.get(name="East of England"))
    rpa = factory.LazyFunction(lambda: models.RPA.objects.get(slug="strictly-education-4s"))


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Deadline

    rpa = factory.LazyFunction(lambda: models.RPA.objects.order_by("pk").first())
    kind = "test.deadline"
    title = factory.Sequence(lambda n: f"Deadline number {n}")
    starts_on = factory.LazyFunction(timezone.localdate)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    remind_at = factory.LazyAttribute(lambda o: o.due_at - timedelta(days=1))


class ClosureDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClosureDay

    rpa = factory.LazyFunction(lambda: models.RPA.objects.order_by("pk").first())
    day = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=30 + n))
    reason = "Staff training day"


def confirmed_totp_device(user: Any) -> TOTPDevice:
    """A confirmed authenticator for `user` (tests compute its codes from `bin_key`)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Test"})
    return device
