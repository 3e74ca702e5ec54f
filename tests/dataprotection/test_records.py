"""DATA-1: the subject-access export finds every kind of record a candidate can have; a model with a ForeignKey
path to Candidate that the export does not list fails here."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from assessments.models import Assessment
from dataprotection.factories import full_candidate
from dataprotection.records import (
    EXPORTED_KINDS,
    LINKED_KINDS,
    NOT_EXPORTED,
    candidate_linked_models,
    candidate_paths,
    candidate_records,
    export_kinds,
)
from dataprotection.services import export_archive
from hnap.models import RPA
from transfers.models import Transfer, TransferredCandidate, TransferScope

pytestmark = pytest.mark.django_db


def test_data1_every_model_with_a_path_to_candidate_is_exported_or_excluded_with_a_reason() -> None:
    """Given every model of the project, when those with a ForeignKey path to Candidate are found, then each is in
    the export's list (described) or in NOT_EXPORTED with a reason; the list names no model that lost its path."""
    linked = set(candidate_linked_models())
    missing = linked - set(EXPORTED_KINDS) - set(NOT_EXPORTED)
    assert not missing, f"Add these to dataprotection.records.EXPORTED_KINDS (or NOT_EXPORTED, why): {sorted(missing)}"
    assert set(EXPORTED_KINDS) <= linked, sorted(set(EXPORTED_KINDS) - linked)
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
    # Known deep paths are found: a review-pending flag reaches the candidate through its file.
    assert "moderation.reviewpending" in linked and "appeals.reviewpanel" in linked


@isolate_apps("dataprotection")  # the probe model stays out of the project's registry
def test_data1_a_new_model_referring_to_a_candidate_is_found_and_exported_even_before_it_is_listed() -> None:
    """Given a model (not installed) with a ForeignKey to a booking, when paths are looked for, then one leads to the
    candidate, and export_kinds appends any discovered but unlisted model rather than dropping it."""

    class Probe(models.Model):
        assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE)

        class Meta:
            app_label = "dataprotection"
            managed = False

        def __str__(self) -> str:
            return "probe"

    assert candidate_paths(Probe) == ["assessment__candidate"]
    assert export_kinds()[: len(EXPORTED_KINDS)] == [k for k in EXPORTED_KINDS if k in candidate_linked_models()]


def test_data1_the_archive_of_a_candidate_taken_through_the_whole_path_has_every_kind(rpa_a: RPA, rpa_b: RPA) -> None:
    """Given a candidate with registration, evidence, booking, file with documents and versions, result and letter,
    moderation, an appeal and an enquiry, when their archive is made, then it has at least one record of every kind,
    the files decrypted, the history, and a README naming each kind; another candidate's records are not in it."""
    candidate = full_candidate(rpa_a, last_name="Wholepath")
    other = full_candidate(rpa_a, first_name="Olive", last_name="Otherperson")
    # The RPA received them by a transfer (RISK-1), which keeps them by id, not by a ForeignKey.
    transfer = Transfer.objects.create(
        rpa=rpa_b, to_rpa=rpa_a, scope=TransferScope.CANDIDATE, candidate_id_chosen=candidate.pk,
        chosen_label="Sam Wholepath", reason="The RPA closed.",
    )  # fmt: skip
    TransferredCandidate.objects.create(
        rpa=rpa_b, transfer=transfer, candidate_ref=candidate.pk, reference=candidate.reference,
        full_name="Sam Wholepath", status="registered",
    )  # fmt: skip
    held = candidate_records(candidate=candidate)
    content, counts = export_archive(held=held)

    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    expected = [k for k in EXPORTED_KINDS if k != "dataprotection.anonymisation"] + list(LINKED_KINDS)
    empty = [kind for kind in expected if not counts.get(kind)]
    assert not empty, f"no records of {empty}"
    for kind in expected:
        assert f"records/{kind}.json" in names
    readme = archive.read("README.txt").decode()
    assert all(kind in readme for kind in expected)
    assert candidate.reference in readme
    # Files: both Level 2 copies, the documents, the result letter and the appeal letter, decrypted.
    files = [n for n in names if n.startswith("files/")]
    assert sum(n.startswith("files/candidates-level2evidence/") for n in files) == 2
    assert sum(n.startswith("files/assessments-taskdocument/") for n in files) == 9
    assert any(n.startswith("files/assessments-result/") for n in files)
    assert any(n.startswith("files/appeals-appeal/") for n in files)
    assert all(archive.read(n).startswith(b"%PDF-") for n in files if n.endswith(".pdf"))
    # The record points at its file inside the archive; no server path or key id leaks.
    evidence = json.loads(archive.read("records/candidates.level2evidence.json"))
    assert all(e["file_path"].startswith("files/") and "file_key_id" not in e for e in evidence)
    users = json.loads(archive.read("records/hnap.user.json"))
    assert "password" not in users[0]
    history = json.loads(archive.read("history.json"))
    assert history["candidates.candidate"] and history["appeals.appeal"]
    # Only this candidate.
    everything = b"".join(archive.read(n) for n in names if not n.startswith("files/"))
    assert b"Otherperson" not in everything and other.reference.encode() not in everything
    assert b"Wholepath" in everything


def test_data1_every_kind_in_the_lists_is_a_real_model() -> None:
    for label in [*EXPORTED_KINDS, *NOT_EXPORTED, *LINKED_KINDS]:
        assert apps.get_model(label) is not None
