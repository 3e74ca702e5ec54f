"""factory_boy factories of the candidates app, for tests, benchmarks and the demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from candidates import models
from hnap.factories import PreparationProviderFactory, SchoolFactory
from hnap.files import file_store_encrypted, upload_check
from hnap.models import RPA

# The smallest PDF the upload checks accept; tests append text to tell copies apart.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_with(text: str) -> bytes:
    """A tiny PDF carrying `text` in a comment (so a download can be recognised)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _default_rpa() -> RPA:
    return RPA.objects.get(slug="strictly-education-4s")


class PreparationCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PreparationCourse
        skip_postgeneration_save = True

    rpa = factory.LazyFunction(_default_rpa)
    pop = factory.SubFactory(PreparationProviderFactory)
    name = factory.Sequence(lambda n: f"HLTA preparation course {n}")
    first_session = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    second_session = factory.LazyAttribute(lambda o: o.first_session + timedelta(days=14))
    final_session = factory.LazyAttribute(lambda o: o.second_session + timedelta(days=28))

    @factory.post_generation
    def link_pop(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.pop.rpas.add(self.rpa)  # type: ignore[attr-defined]


class CandidateFactory(factory.django.DjangoModelFactory):
    """A submitted-nothing-yet application; the school, course and PoP agree with the RPA."""

    class Meta:
        model = models.Candidate

    rpa = factory.LazyFunction(_default_rpa)
    reference = factory.Sequence(lambda n: f"HLTA-TEST-{n:06d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    school = factory.LazyAttribute(lambda o: SchoolFactory(rpa=o.rpa, region=_region_of(o.rpa)))
    job_title = "Teaching assistant"
    age_range_from = 5
    age_range_to = 11
    funding_source = models.FundingSource.SCHOOL
    course = factory.LazyAttribute(lambda o: PreparationCourseFactory(rpa=o.rpa))
    pop = factory.LazyAttribute(lambda o: o.course.pop)


def _region_of(rpa: RPA) -> Any:
    coverage = rpa.coverage.filter(local_authority="").select_related("region").order_by("region__name").first()
    return coverage.region if coverage else None


class EmployerDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EmployerDeclaration

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    sent_to_name = "Head Teacher"
    sent_to_email = factory.Sequence(lambda n: f"head{n}@school.example.org")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class Level2EvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence with a real encrypted file whose plain text contains `text`."""

    class Meta:
        model = models.Level2Evidence
        # `text` is not excluded: `_create` needs it for the file's content (and pops it before the model).

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    subject = models.Subject.ENGLISH
    qualification = factory.LazyAttribute(
        lambda o: models.Level2Qualification.objects.filter(subject=o.subject, needs_rpa_decision=False).first()
    )
    grade = "C"
    achieved_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3650))
    text = "certificate copy"
    verified_by_name = "PoP Tutor"
    original_seen_on = factory.LazyFunction(timezone.localdate)
    file_name = "certificate.pdf"
    file_type = "application/pdf"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        upload = upload_check(name=kwargs.get("file_name", "certificate.pdf"), content=pdf_with(kwargs.pop("text", "")))
        path, key_id = file_store_encrypted(upload=upload, folder=f"level2/{kwargs['rpa'].pk}")
        kwargs.update(file_path=path, file_key_id=key_id, file_size=upload.size, file_sha256=upload.sha256)
        return super()._create(model_class, *args, **kwargs)


class DisabilityDisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DisabilityDisclosure

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    disclosure = "Dyslexia"
    adjustments_requested = "Extra time to read documents"


class ChangeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChangeReport

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    kind = models.ChangeKind.CHANGE
    description = "The candidate has moved to a new role."


class RegionalChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RegionalCharge

    rpa = factory.LazyFunction(_default_rpa)
    name = factory.Sequence(lambda n: f"Regional charge {n}")
    amount_pence = 2500


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Invoice
        skip_postgeneration_save = True

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    number = factory.Sequence(lambda n: f"INV-TEST-{n:06d}")
    payer = models.FundingSource.SCHOOL
    payer_name = factory.LazyAttribute(lambda o: o.candidate.school.name)

    @factory.post_generation
    def fee_line(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            models.InvoiceLine.objects.create(
                rpa=self.rpa,  # type: ignore[attr-defined]
                invoice=self,
                kind=models.LineKind.ASSESSMENT_FEE,
                description="HLTA assessment (national fee)",
                amount_pence=45000 if extracted is None else extracted,
            )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Payment

    invoice = factory.SubFactory(InvoiceFactory)
    rpa = factory.LazyAttribute(lambda o: o.invoice.rpa)
    amount_pence = 45000
    received_on = factory.LazyFunction(timezone.localdate)


def ready_candidate(*, paid: bool = True, **fields: Any) -> models.Candidate:
    """A candidate past the allocation gate (registered, judged ready, both Level 2 subjects accepted), built
    directly from the facts for tests of what comes after registration; paid unless `paid=False`."""
    now = timezone.now()
    candidate: models.Candidate = CandidateFactory(  # type: ignore[assignment]
        submitted_at=now,
        readiness=models.ReadinessDecision.APPROVED,
        readiness_at=now,
        registered_at=now,
        status=models.CandidateStatus.REGISTERED,
        **fields,
    )
    for subject in models.Subject.values:
        Level2EvidenceFactory(candidate=candidate, subject=subject, state=models.EvidenceState.ACCEPTED)
    if paid:
        PaymentFactory(invoice=InvoiceFactory(candidate=candidate))
    return candidate
