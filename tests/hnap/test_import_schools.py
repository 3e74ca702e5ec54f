"""`manage.py import_schools`: the DfE "Get Information about Schools" (GIAS) CSV export (REGION-1).

The sample in tests/hnap/data/gias-sample.csv uses real GIAS column names, including columns hnap ignores.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hnap.models import School

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "gias-sample.csv"
SAMPLE_ROWS = 10


def run_import(path: Path) -> str:
    out = io.StringIO()
    call_command("import_schools", str(path), stdout=out)
    return out.getvalue()


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, lines: list[str], name: str = "gias.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_region1_import_reports_counts_and_stores_the_columns_it_reads() -> None:
    output = run_import(SAMPLE)
    assert f"Schools: {SAMPLE_ROWS} created, 0 updated, 0 unchanged." in output
    assert School.objects.count() == SAMPLE_ROWS

    school = School.objects.get(urn=116500)
    assert school.name == "Wye Valley Church of England Primary School, Ross"  # quoted comma
    assert school.local_authority == "Herefordshire, County of"
    assert school.region.name == "West Midlands"
    assert school.phase == "Primary"
    assert (school.statutory_low_age, school.statutory_high_age) == (4, 11)
    nursery = School.objects.get(urn=121000)
    assert (nursery.statutory_low_age, nursery.statutory_high_age) == (2, None)  # empty age is allowed
    # Ignored GIAS columns (status, type, postcode, ...) are not stored anywhere.
    assert not hasattr(school, "postcode")


def test_region1_import_is_idempotent() -> None:
    run_import(SAMPLE)
    before = list(School.objects.order_by("urn").values())
    output = run_import(SAMPLE)
    assert f"Schools: 0 created, 0 updated, {SAMPLE_ROWS} unchanged." in output
    assert list(School.objects.order_by("urn").values()) == before


def test_region1_an_edited_row_is_updated_and_a_new_row_created(tmp_path: Path) -> None:
    run_import(SAMPLE)
    lines = sample_lines()
    edited = [line.replace("Abbots Hill Primary School", "Abbots Hill Primary Academy") for line in lines]
    edited.append(
        "117999,919,Hertfordshire,2010,Harpenden New School,Free schools,Open,2,Primary,4,11,"
        "Station Road,Harpenden,AL5 4AA,F,East of England"
    )
    output = run_import(write(tmp_path, edited))
    assert f"Schools: 1 created, 1 updated, {SAMPLE_ROWS - 1} unchanged." in output
    assert School.objects.get(urn=117001).name == "Abbots Hill Primary Academy"
    assert School.objects.get(urn=117999).rpa.slug == "strictly-education-4s"


def test_region1_a_school_moving_authority_changes_rpa(tmp_path: Path) -> None:
    run_import(SAMPLE)
    # Re-organisation: the Birmingham school appears under Coventry now (West Midlands, not covered).
    lines = [line.replace("103300,330,Birmingham", "103300,331,Coventry") for line in sample_lines()]
    output = run_import(write(tmp_path, lines))
    assert "0 created, 1 updated" in output
    assert School.objects.get(urn=103300).rpa is None


@pytest.mark.parametrize(
    ("line_no", "bad_line", "reason"),
    [
        (
            4,
            "ABC123,919,Hertfordshire,2001,Bad School,Community school,Open,2,Primary,3,11,Road,Town,WD5 0AA,F,"
            "East of England",
            "URN must be a number, not 'ABC123'",
        ),
        (
            4,
            "199001,919,Hertfordshire,2001,Bad School,Community school,Open,2,Primary,3,11,Road,Town,WD5 0AA,F,"
            "Eastern England",
            "GOR (name) 'Eastern England' is not a region of England",
        ),
        (
            4,
            "199001,919,Hertfordshire,2001,Bad School,Community school,Open,2,Primary,three,11,Road,Town,WD5 0AA,F,"
            "East of England",
            "StatutoryLowAge must be a whole number of years, not 'three'",
        ),
        (
            4,
            "199001,919,Hertfordshire,2001,Bad School,Community school,Open,2,Primary,3,-11,Road,Town,WD5 0AA,F,"
            "East of England",
            "StatutoryHighAge must be a whole number of years, not '-11'",
        ),
        (
            4,
            "117001,919,Hertfordshire,2001,Twice,Community school,Open,2,Primary,3,11,Road,Town,WD5 0AA,F,"
            "East of England",
            "URN 117001 appears twice",
        ),
        (
            4,
            "199001,919,Hertfordshire,2001,,Community school,Open,2,Primary,3,11,Road,Town,WD5 0AA,F,East of England",
            "EstablishmentName is empty",
        ),
    ],
    ids=["bad-urn", "unknown-region", "bad-low-age", "bad-high-age", "duplicate-urn", "no-name"],
)
def test_region1_a_malformed_file_is_refused_with_line_and_reason_and_nothing_imported(
    tmp_path: Path, line_no: int, bad_line: str, reason: str
) -> None:
    lines = sample_lines()
    # Good rows on lines 2-3, the bad row on line 4, more good rows after it.
    lines.insert(line_no - 1, bad_line)
    path = write(tmp_path, lines)
    with pytest.raises(CommandError) as refused:
        run_import(path)
    message = str(refused.value)
    assert f"line {line_no}: {reason}" in message
    assert "nothing imported" in message
    assert School.objects.count() == 0


def test_region1_a_malformed_file_changes_no_existing_school(tmp_path: Path) -> None:
    run_import(SAMPLE)
    before = list(School.objects.order_by("urn").values())
    lines = [line.replace("Abbots Hill Primary School", "Renamed") for line in sample_lines()]
    lines.append(
        "12x,919,Hertfordshire,2001,Bad,Community school,Open,2,Primary,3,11,Road,Town,WD5 0AA,F,East of England"
    )
    with pytest.raises(CommandError, match=rf"line {SAMPLE_ROWS + 2}: URN must be a number"):
        run_import(write(tmp_path, lines))
    assert list(School.objects.order_by("urn").values()) == before


def test_region1_a_file_missing_a_column_is_refused(tmp_path: Path) -> None:
    # Drop the last column, "GOR (name)", from the header and every row.
    lines = [line.rsplit(",", 1)[0] for line in sample_lines()]
    assert not lines[0].endswith("GOR (name)")
    with pytest.raises(CommandError, match=r"line 1: missing column\(s\): GOR \(name\)"):
        run_import(write(tmp_path, lines))
    assert School.objects.count() == 0


def test_region1_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run_import(tmp_path / "nowhere.csv")


def test_region1_windows_1252_file_is_imported(tmp_path: Path) -> None:
    lines = sample_lines()
    lines.append(
        "117998,919,Hertfordshire,2011,St Mary\u2019s Catholic Primary School \u2013 Hitchin,"
        "Voluntary aided school,Open,2,Primary,4,11,Rue de l\u2019\u00c9glise,Hitchin,SG5 1AA,F,"
        "East of England"
    )
    path = write(tmp_path, lines, encoding="cp1252")
    raw = path.read_bytes()
    assert b"\x92" in raw and b"\x96" in raw  # really Windows-1252, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    output = run_import(path)
    assert f"Schools: {SAMPLE_ROWS + 1} created" in output
    assert School.objects.get(urn=117998).name == "St Mary\u2019s Catholic Primary School \u2013 Hitchin"


def test_region1_utf8_file_with_byte_order_mark_is_imported(tmp_path: Path) -> None:
    path = write(tmp_path, sample_lines(), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert f"Schools: {SAMPLE_ROWS} created" in run_import(path)


def test_region1_the_line_number_is_the_physical_line_despite_blank_lines_and_multiline_fields(
    tmp_path: Path,
) -> None:
    lines = sample_lines()
    lines.insert(2, "")  # a blank line 3 (skipped by the CSV reader)
    # A quoted name spanning two physical lines: 5 and 6.
    lines.insert(
        4,
        '199002,919,Hertfordshire,2012,"Two Line\nSchool",Community school,Open,2,Primary,3,11,'
        "Road,Town,WD5 0AA,F,East of England",
    )
    lines.insert(
        5,
        "199003,919,Hertfordshire,2013,Bad Age School,Community school,Open,2,Primary,3,99,"
        "Road,Town,WD5 0AA,F,East of England",
    )
    with pytest.raises(CommandError, match=r"line 7: StatutoryHighAge must be a whole number of years, not '99'"):
        run_import(write(tmp_path, lines))
    assert School.objects.count() == 0


def test_establishments_outside_englands_regions_are_skipped_and_reported(tmp_path, db):
    """The real GIAS export lists Welsh and non-applicable establishments: skipped, not a malformed file."""
    import io

    from django.core.management import call_command

    from hnap.models import School

    path = tmp_path / "gias.csv"
    path.write_text(
        "URN,EstablishmentName,LA (name),GOR (name),PhaseOfEducation (name),StatutoryLowAge,StatutoryHighAge\n"
        "300001,Ysgol Gynradd,Cardiff,Wales (pseudo),Primary,4,11\n"
        "300002,Riverside Primary,Hertfordshire,East of England,Primary,4,11\n"
    )
    out = io.StringIO()
    call_command("import_schools", str(path), stdout=out)
    assert "1 establishment(s) outside England's regions skipped." in out.getvalue()
    assert list(School.objects.filter(urn__in=[300001, 300002]).values_list("urn", flat=True)) == [300002]
