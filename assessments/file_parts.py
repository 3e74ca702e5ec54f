"""The shape of the assessment file (ASM-4) and what makes each part complete.

The draft is a JSON object with one key per part. Saving a draft checks only the types (nothing is lost because a
part is half done); submitting checks completeness and that the recommended outcome agrees with the grid.

  f0     candidate personal details (prefilled from registration; the assessor confirms them)
  tasks  F1-F8: the candidate's response sheet for each task (an uploaded document) and the assessor's notes
  grid   F9/F10: {standard number: {"judgement": "met" | "insufficient", "evidence": summary}}
  f11..f14  the records of the meetings: candidate, teacher, senior leader, and the evidence file review
  f15    the summary assessment record: the recommended outcome, its rationale and the standards to reassess
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

TASK_NUMBERS = range(1, 9)
MET = "met"
INSUFFICIENT = "insufficient"
JUDGEMENTS = {MET: "Met", INSUFFICIENT: "Insufficient evidence"}
# Text this short says nothing a moderator can check the judgement against.
MIN_SUMMARY_CHARS = 20


@dataclass(frozen=True)
class Meeting:
    """One of the records of meetings F11-F14."""

    key: str
    code: str
    title: str
    with_label: str  # who the meeting was with ("" when there is no one to name)


MEETINGS = (
    Meeting("f11", "F11", "Meeting with the candidate", ""),
    Meeting("f12", "F12", "Meeting with the teacher", "Teacher's name"),
    Meeting("f13", "F13", "Meeting with the senior leader", "Senior leader's name"),
    Meeting("f14", "F14", "Review of the candidate's evidence file", ""),
)
MEETING_KEYS = {m.key: m for m in MEETINGS}

F0_FIELDS = {
    "full_name": "Full name",
    "date_of_birth": "Date of birth",
    "email": "Email address",
    "school": "School or setting",
    "job_title": "Role in the school",
    "pop": "Provider of preparation",
    "assessment_date": "Date of the assessment",
}
# Registration need not hold a date of birth; everything else of F0 is required.
F0_OPTIONAL = {"date_of_birth"}

# The parts in the order of the file, with their titles (used for pages, missing-lists, diffs and the PDF).
PARTS: dict[str, str] = {
    "f0": "F0 Candidate personal details",
    "tasks": "F1-F8 The candidate's response sheets",
    "grid": "F9/F10 Assessment grid",
    **{m.key: f"{m.code} {m.title}" for m in MEETINGS},
    "f15": "F15 Summary assessment record",
}


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "Enter text."})
    if len(value) > 20_000:
        raise ValidationError({field: "Enter at most 20,000 characters."})
    return value


def _date_text(value: Any, field: str) -> str:
    text = _text(value, field).strip()
    if text:
        try:
            date.fromisoformat(text)
        except ValueError as error:
            raise ValidationError({field: "Enter a real date."}) from error
    return text


def _only(data: Mapping[str, Any], allowed: Iterable[str], part: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({part: f"Unknown fields: {', '.join(sorted(unknown))}."})


def part_clean(*, part: str, data: Any, standard_numbers: Iterable[int], outcomes: Iterable[str]) -> Any:
    """The part's data with its types checked (a draft may be incomplete, but never malformed)."""
    if part not in PARTS:
        raise ValidationError({"part": f"There is no part '{part}' in an assessment file."})
    if not isinstance(data, dict):
        raise ValidationError({part: "Send the part as an object of fields."})
    if part == "f0":
        _only(data, [*F0_FIELDS, "confirmed"], part)
        cleaned: dict[str, Any] = {k: _text(data.get(k), k).strip() for k in F0_FIELDS if k in data}
        for key in ("date_of_birth", "assessment_date"):
            if key in cleaned:
                cleaned[key] = _date_text(cleaned[key], key)
        if "confirmed" in data:
            cleaned["confirmed"] = bool(data["confirmed"])
        return cleaned
    if part == "tasks":
        _only(data, [str(n) for n in TASK_NUMBERS], part)
        return {n: {"notes": _text((v or {}).get("notes"), f"task_{n}")} for n, v in data.items()}
    if part == "grid":
        numbers = {str(n) for n in standard_numbers}
        _only(data, numbers, part)
        grid = {}
        for number, entry in data.items():
            if not isinstance(entry, dict):
                raise ValidationError({f"standard_{number}": "Send a judgement and an evidence summary."})
            judgement = entry.get("judgement") or ""
            if judgement not in ("", *JUDGEMENTS):
                raise ValidationError({f"standard_{number}": "Choose met or insufficient evidence."})
            grid[number] = {"judgement": judgement, "evidence": _text(entry.get("evidence"), f"evidence_{number}")}
        return grid
    if part in MEETING_KEYS:
        _only(data, ["held_on", "with_name", "record"], part)
        return {
            "held_on": _date_text(data.get("held_on"), "held_on"),
            "with_name": _text(data.get("with_name"), "with_name").strip(),
            "record": _text(data.get("record"), "record"),
        }
    # f15
    _only(data, ["outcome", "rationale", "reassess_standards"], part)
    outcome = data.get("outcome") or ""
    if outcome not in ("", *outcomes):
        raise ValidationError({"outcome": "Choose one of the outcomes."})
    raw = data.get("reassess_standards") or []
    if not isinstance(raw, list):
        raise ValidationError({"reassess_standards": "Send a list of standard numbers."})
    try:
        reassess = sorted({int(n) for n in raw})
    except (TypeError, ValueError) as error:
        raise ValidationError({"reassess_standards": "Standards are named by their numbers."}) from error
    if set(reassess) - set(standard_numbers):
        raise ValidationError({"reassess_standards": "Name standards of the framework by their numbers."})
    return {"outcome": outcome, "rationale": _text(data.get("rationale"), "rationale"), "reassess_standards": reassess}


def file_missing(
    *, content: Mapping[str, Any], standard_numbers: list[int], task_sheets: set[int]
) -> dict[str, list[str]]:
    """What the file still lacks, part by part (an empty dict: it can be submitted). Includes disagreement between
    the recommended outcome and the grid."""
    missing: dict[str, list[str]] = {}

    def lack(part: str, what: str) -> None:
        missing.setdefault(part, []).append(what)

    f0 = content.get("f0") or {}
    for key, label in F0_FIELDS.items():
        if key not in F0_OPTIONAL and not (f0.get(key) or "").strip():
            lack("f0", f"{label} is missing")
    if not f0.get("confirmed"):
        lack("f0", "Confirm the personal details are correct")
    tasks = content.get("tasks") or {}
    for n in TASK_NUMBERS:
        if n not in task_sheets:
            lack("tasks", f"F{n}: the candidate's response sheet for task {n} is not attached")
        if not (tasks.get(str(n), {}).get("notes") or "").strip():
            lack("tasks", f"F{n}: record your notes on task {n}")
    grid = content.get("grid") or {}
    insufficient = []
    for number in standard_numbers:
        entry = grid.get(str(number)) or {}
        if not entry.get("judgement"):
            lack("grid", f"Standard {number}: choose a judgement")
        elif entry["judgement"] == INSUFFICIENT:
            insufficient.append(number)
        if len((entry.get("evidence") or "").strip()) < MIN_SUMMARY_CHARS:
            lack("grid", f"Standard {number}: summarise the evidence (at least {MIN_SUMMARY_CHARS} characters)")
    for meeting in MEETINGS:
        record = content.get(meeting.key) or {}
        if not record.get("held_on"):
            lack(meeting.key, "Enter the date")
        if meeting.with_label and not (record.get("with_name") or "").strip():
            lack(meeting.key, f"Enter the {meeting.with_label[0].lower()}{meeting.with_label[1:]}")
        if len((record.get("record") or "").strip()) < MIN_SUMMARY_CHARS:
            lack(meeting.key, "Write the record of the meeting")
    f15 = content.get("f15") or {}
    outcome = f15.get("outcome") or ""
    if not outcome:
        lack("f15", "Choose the recommended outcome")
    if not (f15.get("rationale") or "").strip():
        lack("f15", "Give the reasons for the recommended outcome")
    judged = "grid" not in missing or all("choose a judgement" not in m for m in missing["grid"])
    if outcome and judged:
        for problem in outcome_disagreements(
            outcome=outcome, insufficient=insufficient, reassess=f15.get("reassess_standards") or []
        ):
            lack("f15", problem)
    return missing


def outcome_disagreements(*, outcome: str, insufficient: list[int], reassess: list[int]) -> list[str]:
    """Where the recommended outcome does not agree with the grid: met only when every standard is met; any other
    outcome only when some standard lacks evidence; a partial reassessment names standards that lack it."""
    problems = []
    if outcome == "met" and insufficient:
        problems.append(
            "The outcome can be met only if every standard is met: standards "
            f"{', '.join(map(str, insufficient))} have insufficient evidence"
        )
    if outcome != "met" and not insufficient:
        problems.append("Every standard is judged met, so the outcome must be met")
    if outcome == "partial":
        if not reassess:
            lack_text = "Name the standards the candidate is to be reassessed on"
            problems.append(lack_text)
        elif set(reassess) - set(insufficient):
            extra = sorted(set(reassess) - set(insufficient))
            problems.append(
                f"Standards {', '.join(map(str, extra))} are judged met: a partial reassessment names only "
                "standards with insufficient evidence"
            )
    elif reassess:
        problems.append("Standards to reassess are named only for a partial reassessment")
    return problems


def content_diff(*, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """The changes between two versions' content, as (part title, field, before, after) in the file's order."""
    changes = []
    for part, title in PARTS.items():
        old, new = before.get(part) or {}, after.get(part) or {}
        for key in sorted(set(old) | set(new), key=lambda k: (len(str(k)), str(k))):
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if isinstance(a, dict) or isinstance(b, dict):
                a, b = a or {}, b or {}
                label = {"grid": f"Standard {key}", "tasks": f"Task {key}"}.get(part, str(key))
                for sub in sorted(set(a) | set(b)):
                    if a.get(sub) != b.get(sub):
                        changes.append((title, f"{label} {sub}", _show(a.get(sub)), _show(b.get(sub))))
            else:
                changes.append((title, str(key), _show(a), _show(b)))
    return changes


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
