"""The national dataset of `manage.py seed_scale`: five years of the whole Partnership, written in bulk SQL.

Every row goes into the real models' tables (so every page works on it) with set-based INSERT ... SELECT over
generate_series: 30,000 candidates take seconds, where ORM saves would take an hour. The audit triggers are skipped
for the load (their per-row history would multiply the time by ten, and a synthetic load has no history to keep);
what the triggers protect is not changed by an insert. Sizes scale with `scale` (1.0 = national).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap.demo import DEMO_PASSWORD, demo_totp_key
from hnap.models import RPA, Membership, PreparationProvider, Region, User
from hnap.roles import PRIVILEGED_ROLES, Role

# Raised whenever what seed_scale writes changes, so a kept benchmark database is seeded afresh.
SEED_VERSION = 2
SCALE_DOMAIN = "scale.hnap.test"
YEARS = 5
# The first course of the five years starts this many days ago: the last courses' assessments then fall in the
# coming eight weeks, so there is work booked ahead as well as five years behind.
FIRST_COURSE_DAYS_AGO = 1800

# Tables whose rows mean "this database already holds a dataset": seed_scale refuses to add to them unless told.
DATA_TABLES = (
    "candidates_candidate",
    "assessments_assessor",
    "assessments_assessmentfile",
    "appeals_enquiry",
    "moderation_moderationevent",
)


@dataclass(frozen=True)
class ScaleSizes:
    """How many of each record a scale gives (1.0 = the national figures of issue 10)."""

    schools: int
    pops: int
    candidates: int
    assessors_per_rpa: int
    moderators_per_rpa: int
    enquiries: int

    @classmethod
    def at(cls, scale: float) -> ScaleSizes:
        """The sizes at `scale`, with the least that still gives every RPA every kind of record."""

        def sized(national: int, least: int) -> int:
            return max(least, round(national * scale))

        return cls(
            schools=sized(3_000, 6),
            pops=sized(200, 6),
            candidates=sized(30_000, 90),
            assessors_per_rpa=sized(100, 2),
            moderators_per_rpa=sized(10, 1),
            enquiries=sized(50_000, 30),
        )


@dataclass(frozen=True)
class ScaleSignIn:
    """One known sign-in of the dataset (all share the demo password; privileged roles have the demo TOTP key)."""

    role: Role
    email: str
    rpa_slug: str = ""


def scale_sign_ins(rpas: list[RPA]) -> list[ScaleSignIn]:
    """The staff sign-ins seed_scale makes: per RPA an administrator, a senior assessor, an assessor, a moderator
    and a candidate; the Partnership administrator; a PoP user of the first PoP."""
    sign_ins = [ScaleSignIn(Role.PARTNERSHIP_ADMIN, f"partnership@{SCALE_DOMAIN}")]
    for rpa in rpas:
        for role, word in (
            (Role.RPA_ADMIN, "admin"),
            (Role.SENIOR_ASSESSOR, "senior"),
            (Role.ASSESSOR, "assessor"),
            (Role.MODERATOR, "moderator"),
            (Role.CANDIDATE, "candidate"),
        ):
            sign_ins.append(ScaleSignIn(role, f"{word}.{rpa.slug}@{SCALE_DOMAIN}", rpa.slug))
    sign_ins.append(ScaleSignIn(Role.POP_USER, f"pop@{SCALE_DOMAIN}"))
    return sign_ins


def database_has_data() -> bool:
    """Whether any table of DATA_TABLES has a row (reference data alone does not count)."""
    with connection.cursor() as cursor:
        # Table names from the constant above, not from input.
        cursor.execute(" UNION ALL ".join(f"(SELECT 1 FROM {table} LIMIT 1)" for table in DATA_TABLES))  # noqa: S608
        return cursor.fetchone() is not None


def seed_marker_read() -> str:
    """The marker seed_scale left on this database ('' if none): version, scale and seed of its dataset."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                       "WHERE datname = current_database()")  # fmt: skip
        row = cursor.fetchone()
    return row[0] if row else ""


def seed_marker(*, scale: float, seed: int) -> str:
    """The marker text of a dataset: a kept benchmark database is reused only when it matches exactly."""
    return f"hnap seed_scale version={SEED_VERSION} scale={scale:g} seed={seed}"


def _marker_write(text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        name = cursor.fetchone()[0]
        # COMMENT takes no bound parameters; the name is quoted and the text is ours.
        cursor.execute(f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS '{text}'")


def file_content_sample(*, standards: list[int]) -> dict[str, Any]:
    """A complete file's content as the assessor submits it: F0, the task notes, the meetings, the grid and F15."""
    from assessments.file_parts import MEETINGS

    content: dict[str, Any] = {
        "f0": {"confirmed": True},
        "tasks": {str(n): {"notes": f"Task {n}: response read before the interview."} for n in range(1, 9)},
        "grid": {
            str(n): {"judgement": "met", "evidence": f"Standard {n}: evidence from the tasks and the interviews."}
            for n in standards
        },
        "f15": {
            "outcome": "met",
            "rationale": "The evidence summaries support this outcome.",
            "reassess_standards": [],
        },
    }
    for meeting in MEETINGS:
        content[meeting.key] = {
            "held_on": "2026-01-12",
            "with_name": "A. Person" if meeting.with_label else "",
            "record": f"{meeting.title}: questions asked and answers recorded at the time.",
        }
    return content


# --- the statements -------------------------------------------------------------------------------------------
# Positional parameters throughout: pgtrigger.ignore prefixes each statement with one of its own.
# Records of this run are found again by their tag (in names, references and emails), never by "all rows", so a
# forced run on a database with other data touches only its own.

_SCHOOLS = """
INSERT INTO hnap_school (urn, name, local_authority, phase, statutory_low_age, statutory_high_age, region_id, rpa_id)
SELECT p.urn + i, 'Scale School ' || p.tag || '-' || i, 'Authority ' || (i %% 150),
       CASE WHEN i %% 3 = 0 THEN 'Secondary' ELSE 'Primary' END, CASE WHEN i %% 3 = 0 THEN 11 ELSE 4 END,
       CASE WHEN i %% 3 = 0 THEN 16 ELSE 11 END,
       (p.regions)[1 + i %% cardinality(p.regions)], (p.rpas)[1 + i %% cardinality(p.rpas)]
FROM (SELECT %s::int AS urn, %s::text AS tag, %s::bigint[] AS regions, %s::bigint[] AS rpas) AS p,
     generate_series(1, %s) AS i
"""

_POPS = """
INSERT INTO hnap_preparationprovider (name, contact_email)
SELECT 'Scale PoP ' || %s || '-' || lpad(i::text, 3, '0'), 'office' || i || '@pop.' || %s || '.example.org'
FROM generate_series(1, %s) AS i
"""

# Each PoP works with one RPA (the PoPs taken in turn), every fourth with the next RPA too.
_POP_RPAS = """
WITH p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM hnap_preparationprovider WHERE name LIKE %s),
     r AS (SELECT %s::bigint[] AS rpas)
INSERT INTO hnap_preparationprovider_rpas (preparationprovider_id, rpa_id)
SELECT p.id, (r.rpas)[1 + p.k %% cardinality(r.rpas)] FROM p, r
UNION ALL
SELECT p.id, (r.rpas)[1 + (p.k + 1) %% cardinality(r.rpas)] FROM p, r
WHERE p.k %% 4 = 3 AND cardinality(r.rpas) > 1
"""

# A course a year per PoP, with its own RPA. An RPA's PoPs start in different weeks (the j-th of an RPA in week
# 44 - (9j + j/5) mod 45 of the year), so each RPA's first PoP has the course whose assessments are still ahead and
# its second the one in this month's moderation cycle, at any scale.
_COURSES = """
WITH p AS (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS k FROM hnap_preparationprovider
           WHERE name LIKE %s),
     r AS (SELECT %s::bigint[] AS rpas, %s::date AS first)
INSERT INTO candidates_preparationcourse (name, first_session, second_session, final_session, pop_id, rpa_id)
SELECT 'Cohort ' || (y + 1) || ' of ' || p.name, d.day, d.day + 14, d.day + 42, p.id,
       (r.rpas)[1 + p.k %% cardinality(r.rpas)]
FROM p, r, generate_series(0, %s - 1) AS y,
     LATERAL (SELECT p.k / cardinality(r.rpas) AS j) AS o,
     LATERAL (SELECT r.first + (y * 365 + (44 - (o.j * 9 + o.j / 5) %% 45) * 7)::int AS day) AS d
"""

# Candidates fill the courses in date order; one in twenty is not registered (withdrawn, not eligible, or still
# applying when their course is the last year's), the others are registered.
_CANDIDATES = """
WITH co AS (
    SELECT id, rpa_id, pop_id, first_session, row_number() OVER (ORDER BY first_session, id) - 1 AS k,
           count(*) OVER () AS n
    FROM candidates_preparationcourse WHERE name LIKE %s
), sch AS (
    SELECT rpa_id, array_agg(id ORDER BY id) AS ids FROM hnap_school WHERE name LIKE %s GROUP BY rpa_id
), p AS (SELECT %s::text AS tag, %s::int AS total, %s::date AS today, %s::text[] AS pipeline,
                %s::timestamptz AS now)
INSERT INTO candidates_candidate (
    rpa_id, reference, first_name, last_name, date_of_birth, email, phone, school_id, job_title, age_range_from,
    age_range_to, nursery_exception_reason, funding_source, funder_name, pop_id, course_id, status, submitted_at,
    readiness, readiness_note, readiness_at, registered_at, registered_late, level2_outcome_note, withdrawn_at,
    withdrawn_reason, created_at)
SELECT co.rpa_id, 'HLTA-' || p.tag || '-' || lpad(i::text, 6, '0'),
       (ARRAY['Amira','Ben','Chloe','Dev','Ellie','Femi','Grace','Harry','Isla','Jon'])[1 + i %% 10],
       (ARRAY['Adams','Brown','Clarke','Davies','Evans','Foster','Green','Hughes','Iqbal','Jones',
              'Khan','Lewis','Morgan','Nolan','Owen','Patel','Quinn','Roberts','Smith','Taylor'])[1 + (i / 10) %% 20]
         || '-' || i,
       date '1975-01-01' + (i * 37) %% 9000, 'candidate' || i || '@' || p.tag || '.example.org', '',
       (sch.ids)[1 + i %% cardinality(sch.ids)], 'Teaching assistant', 5, 11, '', 'school', '', co.pop_id, co.id,
       st.status, co.first_session - 20, CASE WHEN st.status = 'registered' THEN 'approved' ELSE 'pending' END, '',
       CASE WHEN st.status = 'registered' THEN co.first_session + 30 END,
       CASE WHEN st.status = 'registered' THEN co.first_session + 35 END, i %% 97 = 0, '',
       CASE WHEN st.status = 'withdrawn' THEN co.first_session + 20 END,
       CASE WHEN st.status = 'withdrawn' THEN 'Left the school.' ELSE '' END,
       co.first_session - 30 + (i %% 24) * interval '1 hour'
FROM p CROSS JOIN LATERAL generate_series(0, p.total - 1) AS i
JOIN co ON co.k = i * co.n / p.total
JOIN sch ON sch.rpa_id = co.rpa_id
CROSS JOIN LATERAL (SELECT CASE
    WHEN i %% 20 <> 0 THEN 'registered'
    WHEN co.first_session > p.today - 300 THEN (p.pipeline)[1 + (i / 20) %% cardinality(p.pipeline)]
    WHEN i %% 40 = 0 THEN 'withdrawn' ELSE 'not_eligible' END AS status) AS st
"""

_ASSESSOR_USERS = """
INSERT INTO hnap_user (password, email, full_name, is_active, is_staff, is_superuser, date_joined)
SELECT %s, 'assessor.' || %s || '.' || r.k || '.' || i || '@' || %s, 'Assessor ' || r.k || '-' || i, true, false,
       false, %s::timestamptz - interval '6 years'
FROM (SELECT unnest(%s::bigint[]) AS id, generate_series(1, cardinality(%s::bigint[])) AS k) AS r,
     generate_series(1, %s) AS i
"""

_ASSESSORS = """
INSERT INTO assessments_assessor (rpa_id, user_id, status, is_senior, joined_on, first_solo_qa_at, first_solo_qa_note,
                                  notes)
SELECT (%s::bigint[])[split_part(u.email, '.', 3)::int], u.id, 'active',
       split_part(split_part(u.email, '@', 1), '.', 4)::int %% 20 = 2,
       u.date_joined::date, u.date_joined + interval '60 days', '', ''
FROM hnap_user u WHERE u.email LIKE %s
"""

_ASSESSOR_MEMBERSHIPS = """
INSERT INTO hnap_membership (user_id, role, rpa_id, created_at)
SELECT a.user_id, CASE WHEN a.is_senior THEN 'senior_assessor' ELSE 'assessor' END, a.rpa_id, now()
FROM assessments_assessor a JOIN hnap_user u ON u.id = a.user_id WHERE u.email LIKE %s
"""

_TRAINING = """
INSERT INTO assessments_trainingrecord (rpa_id, assessor_id, topic, completed_on, trainer)
SELECT a.rpa_id, a.id, t.topic, a.joined_on + 20, 'Senior assessor'
FROM assessments_assessor a JOIN hnap_user u ON u.id = a.user_id, unnest(%s::text[]) AS t(topic)
WHERE u.email LIKE %s
"""

_WILLING = """
INSERT INTO assessments_assessor_willing_rpas (assessor_id, rpa_id)
SELECT a.id, r.id FROM assessments_assessor a JOIN hnap_user u ON u.id = a.user_id
JOIN hnap_rpa r ON r.id <> a.rpa_id AND r.id = ANY(%s::bigint[])
WHERE u.email LIKE %s AND a.id %% 5 = 0
"""

# Each registered candidate is booked with an assessor of their RPA, taken in turn in date order: a week's
# bookings in an RPA are consecutive turns, so no assessor has more than five in a week while the RPA has fewer
# than five per assessor (the weekly cap, ALL-3; the invariant test checks it).
_ASSESSMENTS = """
WITH c AS (
    SELECT c.id, c.rpa_id, co.final_session + 14 + (c.id %% 5)::int * 7 AS day
    FROM candidates_candidate c JOIN candidates_preparationcourse co ON co.id = c.course_id
    WHERE c.reference LIKE %s AND c.status = 'registered'
), t AS (
    SELECT c.*, date_trunc('week', c.day)::date AS week,
           row_number() OVER (PARTITION BY c.rpa_id ORDER BY date_trunc('week', c.day), c.id) - 1 AS k
    FROM c
), a AS (
    SELECT a.rpa_id, array_agg(a.id ORDER BY a.id) AS ids FROM assessments_assessor a
    JOIN hnap_user u ON u.id = a.user_id WHERE u.email LIKE %s GROUP BY a.rpa_id
)
INSERT INTO assessments_assessment (
    rpa_id, candidate_id, assessor_id, cross_rpa, state, starts_at, week_start, mode, teacher_name,
    senior_leader_name, adjustments, is_first_solo, cap_override_reason, unpaid_exception_reason, allocated_at,
    cancel_reason, owner_id)
SELECT t.rpa_id, t.id, (a.ids)[1 + t.k %% cardinality(a.ids)], false, 'booked',
       (t.week + (t.k %% 5)::int + time '10:00') AT TIME ZONE 'Europe/London', t.week,
       CASE WHEN t.k %% 3 = 0 THEN 'on_site' ELSE 'remote' END, 'T. Teacher', 'S. Leader', '', false, '', '',
       (t.week - 28) + time '09:00', '', NULL
FROM t JOIN a ON a.rpa_id = t.rpa_id
"""

_ASSESSMENT_OWNERS = """
UPDATE assessments_assessment s SET owner_id = a.user_id FROM assessments_assessor a, candidates_candidate c
WHERE a.id = s.assessor_id AND c.id = s.candidate_id AND c.reference LIKE %s
"""

# Where a file stands follows its booking: ahead or in the last fortnight, a draft; in the month of the open
# event or after, submitted, returned or accepted; before that, closed with a result.
_FILES = """
WITH s AS (
    SELECT s.*, u.user_id AS assessor_user, p.now, p.content,
           CASE WHEN s.starts_at > p.now - interval '14 days' THEN 'draft'
                WHEN s.starts_at + interval '5 days' >= p.open_month
                THEN (ARRAY['submitted', 'accepted', 'returned', 'accepted'])[1 + s.id %% 4]
                ELSE 'closed' END AS file_state
    FROM assessments_assessment s JOIN assessments_assessor u ON u.id = s.assessor_id
    JOIN candidates_candidate c ON c.id = s.candidate_id,
    (SELECT %s::timestamptz AS now, %s::date::timestamp AS open_month, %s::jsonb AS content) AS p
    WHERE c.reference LIKE %s
)
INSERT INTO assessments_assessmentfile (
    rpa_id, assessment_id, candidate_id, assessor_id, owner_id, state, draft, draft_saved_at, version_count,
    recommended_outcome, first_submitted_at, submitted_at, cycle_month, resubmitted, is_reassessment, was_returned,
    flagged_difficult, flagged_principle, tasks_sent_at, tasks_on_time, created_at)
SELECT s.rpa_id, s.id, s.candidate_id, s.assessor_id, s.assessor_user, s.file_state,
       CASE WHEN s.file_state = 'draft' THEN '{}'::jsonb ELSE s.content END,
       CASE WHEN s.file_state = 'draft' AND s.starts_at < s.now THEN s.starts_at + interval '2 days' END,
       CASE WHEN s.file_state = 'draft' THEN 0 WHEN s.id %% 15 = 0 THEN 2 ELSE 1 END,
       CASE WHEN s.file_state = 'draft' THEN ''
            ELSE (ARRAY['not_met','partial','partial','full','met','met','met','met','met','met','met','met','met',
                        'met','met','met','met','met','met','met'])[1 + s.id %% 20] END,
       CASE WHEN s.file_state <> 'draft' THEN s.starts_at + interval '5 days' END,
       CASE WHEN s.file_state <> 'draft' THEN s.starts_at + interval '5 days'
                                              + CASE WHEN s.id %% 15 = 0 THEN interval '9 days' ELSE interval '0' END
       END,
       CASE WHEN s.file_state <> 'draft' THEN date_trunc('month', s.starts_at + interval '5 days')::date END,
       s.file_state <> 'draft' AND s.id %% 15 = 0, false, s.file_state <> 'draft' AND s.id %% 15 = 0,
       s.file_state <> 'draft' AND s.id %% 53 = 0, s.file_state <> 'draft' AND s.id %% 89 = 0,
       s.starts_at - interval '10 days', true, s.allocated_at
FROM s
"""

_VERSIONS = """
INSERT INTO assessments_fileversion (rpa_id, file_id, number, content, documents, outcome, submitted_at,
                                     submitted_by_id)
SELECT f.rpa_id, f.id, n, %s::jsonb, '[]'::jsonb, f.recommended_outcome,
       f.first_submitted_at + (n - 1) * interval '9 days', f.owner_id
FROM assessments_assessmentfile f JOIN candidates_candidate c ON c.id = f.candidate_id,
     generate_series(1, f.version_count) AS n
WHERE c.reference LIKE %s AND f.version_count > 0
"""

# The scrutiny of each version: a resubmitted file was returned once, then its second version judged.
_SCRUTINY = """
INSERT INTO assessments_scrutinydecision (rpa_id, file_id, version_id, decision, reasons, flag_difficult,
                                          flag_principle, flag_note, decided_at, decided_by_id)
SELECT f.rpa_id, f.id, v.id,
       CASE WHEN v.number < f.version_count OR f.state = 'returned' THEN 'return' ELSE 'accept' END,
       CASE WHEN v.number < f.version_count OR f.state = 'returned' THEN 'The records of F12 and F13 lack detail.'
            ELSE '' END,
       f.flagged_difficult, f.flagged_principle,
       CASE WHEN f.flagged_difficult OR f.flagged_principle THEN 'Novel setting.' ELSE '' END,
       v.submitted_at + interval '3 days', NULL
FROM assessments_assessmentfile f JOIN assessments_fileversion v ON v.file_id = f.id
JOIN candidates_candidate c ON c.id = f.candidate_id
WHERE c.reference LIKE %s AND (f.state IN ('accepted', 'closed', 'returned') OR v.number < f.version_count)
"""

_RESULTS = """
INSERT INTO assessments_result (rpa_id, file_id, candidate_id, outcome, reassess_standards, confirmed_via,
                                confirmed_at, released_at, letter_path, letter_key_id, confirmed_by_id)
SELECT f.rpa_id, f.id, f.candidate_id, f.recommended_outcome,
       CASE WHEN f.recommended_outcome = 'partial' THEN '[7, 21]'::jsonb ELSE '[]'::jsonb END,
       'event_closed', (f.cycle_month + interval '1 month 20 days'), (f.cycle_month + interval '1 month 22 days'),
       '', '', NULL
FROM assessments_assessmentfile f JOIN candidates_candidate c ON c.id = f.candidate_id
WHERE c.reference LIKE %s AND f.state = 'closed'
"""

_INVOICES = """
WITH invoiced AS (
    INSERT INTO candidates_invoice (rpa_id, candidate_id, number, payer, payer_name, issued_on)
    SELECT c.rpa_id, c.id, 'INV-' || c.reference, 'school', 'The school', c.registered_at::date
    FROM candidates_candidate c WHERE c.reference LIKE %s AND c.status = 'registered'
    RETURNING id, rpa_id, candidate_id, issued_on
), lines AS (
    INSERT INTO candidates_invoiceline (rpa_id, invoice_id, kind, description, amount_pence)
    SELECT rpa_id, id, 'assessment_fee', 'HLTA assessment (national fee)', 45000 FROM invoiced
)
INSERT INTO candidates_payment (rpa_id, invoice_id, amount_pence, received_on, reference, recorded_at)
SELECT rpa_id, id, 45000, issued_on + 21, 'BACS', issued_on + 21 FROM invoiced
WHERE id %% 10 <> 0 OR issued_on < %s::date - 120
"""

_MODERATOR_USERS = """
WITH n AS (
    SELECT a.id, a.rpa_id, a.user_id, row_number() OVER (PARTITION BY a.rpa_id ORDER BY a.id) AS k
    FROM assessments_assessor a JOIN hnap_user u ON u.id = a.user_id WHERE u.email LIKE %s
)
INSERT INTO hnap_membership (user_id, role, rpa_id, created_at)
SELECT n.user_id, 'moderator', n.rpa_id, now() FROM n WHERE n.k <= %s
"""

_MODERATORS = """
WITH n AS (
    SELECT a.id, a.rpa_id, a.user_id, a.joined_on, row_number() OVER (PARTITION BY a.rpa_id ORDER BY a.id) AS k
    FROM assessments_assessor a JOIN hnap_user u ON u.id = a.user_id WHERE u.email LIKE %s
)
INSERT INTO moderation_moderator (rpa_id, user_id, assessor_id, is_senior, active, trained_on, nominated_at,
                                  confirmed_at, confirmation_note)
SELECT n.rpa_id, n.user_id, n.id, n.k = 1, true, n.joined_on + 90, n.joined_on + 60, n.joined_on + 100, ''
FROM n WHERE n.k <= %s
"""

# A monthly event per RPA from the first files to this month: closed ones, last month's open, this month's planned.
_EVENTS = """
WITH p AS (SELECT %s::bigint[] AS rpas, %s::date AS first, %s::date AS this_month, %s::timestamptz AS now)
INSERT INTO moderation_moderationevent (rpa_id, month, held_on, state, national_standards, rpa_standards,
                                        cohort_size, opened_at, closed_at, created_at, peer_rpa_id)
SELECT (p.rpas)[k], m::date, (m + interval '1 month 14 days')::date,
       CASE WHEN m::date = p.this_month THEN 'planned'
            WHEN m::date = (p.this_month - interval '1 month')::date THEN 'open' ELSE 'closed' END,
       '[3, 12]'::jsonb, '[20]'::jsonb, 0,
       CASE WHEN m::date < p.this_month THEN m + interval '1 month 14 days' END,
       CASE WHEN m::date < (p.this_month - interval '1 month')::date THEN m + interval '1 month 15 days' END,
       m - interval '1 month', (p.rpas)[1 + k %% cardinality(p.rpas)]
FROM p, generate_series(1, cardinality(p.rpas)) AS k,
     generate_series(date_trunc('month', p.first)::date::timestamp, p.this_month::timestamp, interval '1 month') AS m
WHERE NOT EXISTS (SELECT 1 FROM moderation_moderationevent e WHERE e.rpa_id = (p.rpas)[k] AND e.month = m::date)
"""

_EVENT_COHORTS = """
UPDATE moderation_moderationevent e SET cohort_size = n.files
FROM (SELECT rpa_id, cycle_month, count(*) AS files FROM assessments_assessmentfile WHERE cycle_month IS NOT NULL
      GROUP BY rpa_id, cycle_month) AS n
WHERE n.rpa_id = e.rpa_id AND n.cycle_month = e.month AND e.rpa_id = ANY(%s::bigint[])
"""

# The sample of each closed event: every file not recommended as met (mandatory) and one in ten of the others.
_SAMPLES = """
INSERT INTO moderation_sampleentry (rpa_id, event_id, file_id, origin, reasons, standards, standard_sources,
                                    added_at)
SELECT f.rpa_id, e.id, f.id, CASE WHEN f.recommended_outcome = 'met' THEN 'random' ELSE 'mandatory' END,
       CASE f.recommended_outcome WHEN 'met' THEN '["random"]' WHEN 'not_met' THEN '["not_met"]'
            WHEN 'partial' THEN '["partial"]' ELSE '["full_reassessment"]' END::jsonb,
       '[3, 12, 20]'::jsonb, '{"3": ["national"], "12": ["national"], "20": ["rpa"]}'::jsonb, e.opened_at
FROM assessments_assessmentfile f JOIN candidates_candidate c ON c.id = f.candidate_id
JOIN moderation_moderationevent e ON e.rpa_id = f.rpa_id AND e.month = f.cycle_month AND e.state = 'closed'
WHERE c.reference LIKE %s AND f.state = 'closed' AND (f.recommended_outcome <> 'met' OR f.id %% 10 = 0)
"""

_DECISIONS = """
WITH m AS (SELECT rpa_id, array_agg(id ORDER BY id) AS ids FROM moderation_moderator GROUP BY rpa_id)
INSERT INTO moderation_moderationdecision (rpa_id, entry_id, file_id, moderator_id, judgements, verdict, new_outcome,
                                           reassess_standards, reasons, documentation, state, decided_at,
                                           second_note, result_id)
SELECT s.rpa_id, s.id, s.file_id, (m.ids)[1 + s.id %% cardinality(m.ids)],
       ('{"3": {"agree": true, "note": ""}, "12": {"agree": true, "note": ""}, '
        '"20": {"agree": true, "note": ""}}')::jsonb,
       'endorse', '', '[]'::jsonb, '', (ARRAY['good', 'adequate', 'good', 'poor'])[1 + s.id %% 4], 'confirmed',
       e.held_on + time '11:00', '', r.id
FROM moderation_sampleentry s JOIN moderation_moderationevent e ON e.id = s.event_id
JOIN m ON m.rpa_id = s.rpa_id
JOIN assessments_result r ON r.file_id = s.file_id
JOIN candidates_candidate c ON c.id = r.candidate_id
WHERE c.reference LIKE %s
"""

_RESULTS_MODERATED = """
UPDATE assessments_result r SET confirmed_via = 'moderation'
FROM moderation_moderationdecision d WHERE d.result_id = r.id AND r.rpa_id = ANY(%s::bigint[])
"""

_DRAWS = """
INSERT INTO moderation_sampledraw (rpa_id, event_id, seed, population, drawn, share_percent, drawn_at)
SELECT e.rpa_id, e.id, e.id, coalesce(jsonb_agg(s.file_id ORDER BY s.file_id), '[]'::jsonb),
       coalesce(jsonb_agg(s.file_id ORDER BY s.file_id), '[]'::jsonb), 10, e.opened_at
FROM moderation_moderationevent e JOIN moderation_sampleentry s ON s.event_id = e.id AND s.origin = 'random'
WHERE e.state = 'closed' AND e.rpa_id = ANY(%s::bigint[])
  AND NOT EXISTS (SELECT 1 FROM moderation_sampledraw d WHERE d.event_id = e.id)
GROUP BY e.id
"""

# Enquiries spread evenly over the five years; those of the last month are still open, some acknowledged.
_ENQUIRIES = """
WITH p AS (SELECT %s::text AS tag, %s::bigint[] AS rpas, %s::timestamptz AS first, %s::timestamptz AS now,
                  %s::int AS total)
INSERT INTO appeals_enquiry (rpa_id, reference, channel, nature, name, email, phone, organisation, subject, state,
                             received_at, acknowledge_due_at, answer_due_at, acknowledged_at, answered_at)
SELECT (p.rpas)[1 + i %% cardinality(p.rpas)], 'ENQ-' || p.tag || '-' || lpad(i::text, 6, '0'),
       (ARRAY['web_form', 'email', 'phone', 'web_form', 'signed_in'])[1 + i %% 5],
       (ARRAY['registration', 'preparation', 'assessment', 'results', 'payment', 'complaint', 'other'])[1 + i %% 7],
       'Enquirer ' || i, 'enquirer' || i || '@' || p.tag || '.example.org', '', 'A school',
       'Question ' || i || ' about the assessment', st.state, r.at, r.at + interval '3 days',
       r.at + interval '14 days',
       CASE WHEN st.state <> 'received' THEN r.at + interval '1 day' END,
       CASE WHEN st.state = 'answered' THEN r.at + interval '6 days' END
FROM p, generate_series(1, p.total) AS i,
     LATERAL (SELECT p.first + (p.now - p.first) * (i::float / p.total) AS at) AS r,
     LATERAL (SELECT CASE WHEN r.at < p.now - interval '30 days' THEN 'answered'
                          ELSE (ARRAY['received', 'acknowledged', 'answered'])[1 + (i / 3) %% 3] END AS state) AS st
"""

_ENQUIRY_MESSAGES = """
INSERT INTO appeals_enquirymessage (rpa_id, enquiry_id, direction, body, sent_to, created_at, sent_at)
SELECT e.rpa_id, e.id, 'in', 'Could you tell me when the results of my assessment will be released?', '',
       e.received_at, NULL FROM appeals_enquiry e WHERE e.reference LIKE %s
UNION ALL
SELECT e.rpa_id, e.id, 'out', 'Results are released after the month''s moderation event.', e.email,
       e.answered_at, e.answered_at FROM appeals_enquiry e WHERE e.reference LIKE %s AND e.state = 'answered'
"""

# Two deadlines per enquiry (acknowledge, answer): met when done, open otherwise (ENQ-3).
_DEADLINES = """
INSERT INTO hnap_deadline (rpa_id, kind, title, content_type_id, object_id, responsible_id, starts_on, working_days,
                           due_at, remind_at, state, met_at, created_at)
SELECT e.rpa_id, d.kind, d.verb || ' enquiry ' || e.reference, %s, e.id, a.lead_id, e.received_at::date, d.days,
       d.due, d.due - interval '1 day', CASE WHEN d.done IS NULL THEN 'open' ELSE 'met' END, d.done, e.received_at
FROM appeals_enquiry e JOIN hnap_rpa a ON a.id = e.rpa_id,
     LATERAL (VALUES (%s, 'Acknowledge', 3, e.acknowledge_due_at, e.acknowledged_at),
                     (%s, 'Answer', 10, e.answer_due_at, e.answered_at)) AS d(kind, verb, days, due, done)
WHERE e.reference LIKE %s
"""

# One appeal for every fifth result of an RPA that was not met (its first among them), made a week after release.
_APPEALS = """
INSERT INTO appeals_appeal (rpa_id, reference, candidate_id, result_id, made_by, made_by_name, identity_check, ground,
                            statement, evidence, state, refusal_reason, received_at, acknowledged_at, consider_by,
                            letter_path, letter_key_id, decision, decision_reasons, decided_at)
SELECT r.rpa_id, 'APL-' || c.reference, c.id, r.id, 'candidate', c.first_name || ' ' || c.last_name, '',
       (ARRAY['inconsistent', 'improper'])[1 + r.id %% 2], 'The interview was cut short.', '',
       CASE WHEN r.released_at > %s::timestamptz - interval '40 days' THEN 'acknowledged' ELSE 'decided' END, '',
       r.released_at + interval '7 days', r.released_at + interval '8 days', (r.released_at + interval '37 days')::date,
       '', '',
       CASE WHEN r.released_at > %s::timestamptz - interval '40 days' THEN ''
            ELSE (ARRAY['not_upheld', 'not_upheld', 'upheld'])[1 + r.id %% 3] END,
       CASE WHEN r.released_at > %s::timestamptz - interval '40 days' THEN ''
            ELSE 'The procedures were followed.' END,
       CASE WHEN r.released_at <= %s::timestamptz - interval '40 days' THEN r.released_at + interval '30 days' END
FROM (SELECT r.*, row_number() OVER (PARTITION BY r.rpa_id ORDER BY r.id) AS k FROM assessments_result r
      WHERE r.outcome <> 'met') AS r
JOIN candidates_candidate c ON c.id = r.candidate_id
WHERE c.reference LIKE %s AND r.k %% 5 = 1
"""


class _Progress:
    """Prints one line per stage: what it wrote and the time since the start."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}

    def __call__(self, stage: str, **counts: int) -> None:
        self.counts.update(counts)
        written = ", ".join(f"{n:,} {k}" for k, n in counts.items())
        self.write(f"[{time.monotonic() - self.started:7.1f}s] {stage}: {written}")


def _triggers() -> list[str]:
    """Every audit trigger of the project (the inserts and updates of the load skip them)."""
    return [f"{model._meta.label}:{trigger.name}" for model, trigger in pgtrigger.registered()]


def _execute(cursor: Any, sql: str, params: list[Any]) -> int:
    cursor.execute(sql, params)
    return int(cursor.rowcount)


def seed_scale(*, scale: float, seed: int, write: Callable[[str], None]) -> dict[str, int]:
    """Write the dataset at `scale` in one transaction; return how many of each record it wrote."""
    from appeals.models import ENQUIRY_ACKNOWLEDGE_KIND, ENQUIRY_ANSWER_KIND, Enquiry
    from assessments.file_selectors import file_standard_numbers
    from assessments.models import TrainingTopic
    from candidates.models import CandidateStatus

    sizes = ScaleSizes.at(scale)
    progress = _Progress(write)
    rpas = list(RPA.objects.order_by("pk"))
    if not rpas:
        raise ValueError("No RPAs: migrate first (the reference data loads the three RPAs).")
    rpa_ids = [r.pk for r in rpas]
    now = timezone.now()
    today = timezone.localdate()
    first_course = today - timedelta(days=FIRST_COURSE_DAYS_AGO)
    # A tag unique to this run keeps its names, references and emails apart from anything already there.
    tag = f"s{seed}x{int(now.timestamp()) % 100_000:05d}"
    password = make_password(DEMO_PASSWORD)
    write(f"seed_scale: scale {scale:g}, seed {seed}, tag {tag}, {len(rpas)} RPAs, {sizes}")

    with pgtrigger.ignore(*_triggers()), transaction.atomic(), connection.cursor() as cursor:
        # random() is used nowhere that matters for the invariants; fixed anyway, so a seed gives the same data.
        cursor.execute("SELECT setseed(%s)", [(seed % 1_000_003) / 1_000_003])
        cursor.execute("SELECT coalesce(max(urn), 800000) FROM hnap_school")
        urn_base = max(800_000, cursor.fetchone()[0]) + 1
        regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
        schools = _execute(cursor, _SCHOOLS, [urn_base, tag, regions, rpa_ids, sizes.schools])
        pops = _execute(cursor, _POPS, [tag, tag, sizes.pops])
        pop_like = f"Scale PoP {tag}-%"
        _execute(cursor, _POP_RPAS, [pop_like, rpa_ids])
        courses = _execute(cursor, _COURSES, [pop_like, rpa_ids, first_course, YEARS])
        progress("places", schools=schools, pops=pops, courses=courses)

        pipeline = [
            CandidateStatus.DRAFT,
            CandidateStatus.AWAITING_EMPLOYER,
            CandidateStatus.AWAITING_LEVEL2,
            CandidateStatus.AWAITING_VERIFICATION,
            CandidateStatus.AWAITING_READINESS,
            CandidateStatus.READY_TO_REGISTER,
        ]
        candidate_like = f"HLTA-{tag}-%"
        candidates = _execute(
            cursor,
            _CANDIDATES,
            [f"Cohort % of {pop_like}", f"Scale School {tag}-%", tag, sizes.candidates, today, pipeline, now],
        )
        invoices = _execute(cursor, _INVOICES, [candidate_like, today])
        progress("candidates", candidates=candidates, payments=invoices)

        assessor_like = f"assessor.{tag}.%@{SCALE_DOMAIN}"
        users = _execute(
            cursor,
            _ASSESSOR_USERS,
            [password, tag, SCALE_DOMAIN, now, rpa_ids, rpa_ids, sizes.assessors_per_rpa],
        )
        assessors = _execute(cursor, _ASSESSORS, [rpa_ids, assessor_like])
        _execute(cursor, _ASSESSOR_MEMBERSHIPS, [assessor_like])
        training = _execute(cursor, _TRAINING, [TrainingTopic.values, assessor_like])
        _execute(cursor, _WILLING, [rpa_ids, assessor_like])
        progress("assessors", users=users, assessors=assessors, training_records=training)

        bookings = _execute(cursor, _ASSESSMENTS, [candidate_like, assessor_like])
        _execute(cursor, _ASSESSMENT_OWNERS, [candidate_like])
        this_month = today.replace(day=1)
        open_month = (this_month - timedelta(days=1)).replace(day=1)
        # A submitted file's draft holds what was submitted (as wide as in production, for the lists' sake).
        content = json.dumps(file_content_sample(standards=file_standard_numbers()))
        files = _execute(cursor, _FILES, [now, open_month, content, candidate_like])
        versions = _execute(cursor, _VERSIONS, [content, candidate_like])
        scrutiny = _execute(cursor, _SCRUTINY, [candidate_like])
        results = _execute(cursor, _RESULTS, [candidate_like])
        progress("assessments", assessments=bookings, files=files, versions=versions, scrutiny=scrutiny,
                 results=results)  # fmt: skip

        _execute(cursor, _MODERATOR_USERS, [assessor_like, sizes.moderators_per_rpa])
        moderators = _execute(cursor, _MODERATORS, [assessor_like, sizes.moderators_per_rpa])
        events = _execute(cursor, _EVENTS, [rpa_ids, first_course, this_month, now])
        _execute(cursor, _EVENT_COHORTS, [rpa_ids])
        samples = _execute(cursor, _SAMPLES, [candidate_like])
        decisions = _execute(cursor, _DECISIONS, [candidate_like])
        _execute(cursor, _RESULTS_MODERATED, [rpa_ids])
        draws = _execute(cursor, _DRAWS, [rpa_ids])
        progress("moderation", moderators=moderators, events=events, samples=samples, decisions=decisions,
                 draws=draws)  # fmt: skip

        first_enquiry = timezone.make_aware(datetime.combine(first_course, datetime.min.time()))
        enquiries = _execute(cursor, _ENQUIRIES, [tag, rpa_ids, first_enquiry, now, sizes.enquiries])
        enquiry_like = f"ENQ-{tag}-%"
        messages = _execute(cursor, _ENQUIRY_MESSAGES, [enquiry_like, enquiry_like])
        enquiry_type = ContentType.objects.get_for_model(Enquiry).pk
        deadlines = _execute(
            cursor, _DEADLINES, [enquiry_type, ENQUIRY_ACKNOWLEDGE_KIND, ENQUIRY_ANSWER_KIND, enquiry_like]
        )
        appeals = _execute(cursor, _APPEALS, [now, now, now, now, candidate_like])
        progress("enquiries", enquiries=enquiries, messages=messages, deadlines=deadlines, appeals=appeals)

        sign_ins = _sign_ins(rpas=rpas, tag=tag, password=password)
        progress("sign-ins", sign_ins=sign_ins)

        # Fresh statistics, as autovacuum would give tables that grew slowly, so plans are those of production.
        cursor.execute("ANALYZE")
        _marker_write(seed_marker(scale=scale, seed=seed))
        progress("analysed")
    return progress.counts


def _sign_ins(*, rpas: list[RPA], tag: str, password: str) -> int:
    """The known sign-ins: the first assessors of each RPA become its assessor, senior assessor and moderator;
    administrators, a candidate, the Partnership administrator and a PoP user are added. Existing ones are kept."""
    from assessments.models import Assessor
    from candidates.models import Candidate
    from moderation.models import Moderator

    made = 0
    for sign_in in scale_sign_ins(rpas):
        if User.objects.filter(email=sign_in.email).exists():
            continue
        rpa = next((r for r in rpas if r.slug == sign_in.rpa_slug), None)
        user: User | None = None
        if sign_in.role in (Role.ASSESSOR, Role.SENIOR_ASSESSOR, Role.MODERATOR):
            # A register entry of this run: the moderator is the RPA's first moderator, the assessors the first
            # non-moderating senior and plain assessors, so each sign-in sees a real workload.
            register = Assessor.objects.filter(rpa=rpa, user__email__startswith=f"assessor.{tag}.").order_by("pk")
            moderating = Moderator.objects.filter(rpa=rpa).values("user_id")
            if sign_in.role == Role.MODERATOR:
                entry = Moderator.objects.filter(rpa=rpa, user__email__startswith=f"assessor.{tag}.").first()
                user = entry.user if entry else None
            else:
                senior = sign_in.role == Role.SENIOR_ASSESSOR
                found = register.exclude(user_id__in=moderating).filter(is_senior=senior).first()
                if found is None and senior:
                    found = register.exclude(user_id__in=moderating).last()
                    if found is not None:
                        Assessor.objects.filter(pk=found.pk).update(is_senior=True)
                        Membership.objects.filter(user_id=found.user_id, role=Role.ASSESSOR).update(
                            role=Role.SENIOR_ASSESSOR
                        )
                user = found.user if found else None
            if user is not None:
                User.objects.filter(pk=user.pk).update(email=sign_in.email)
                user.email = sign_in.email
        if user is None:
            user = User.objects.create(email=sign_in.email, password=password, full_name=_name_of(sign_in))
            pop = None
            if sign_in.role == Role.POP_USER:
                pop = PreparationProvider.objects.filter(name__startswith=f"Scale PoP {tag}-").order_by("pk").first()
            Membership.objects.get_or_create(
                user=user, role=sign_in.role, rpa=rpa if sign_in.role != Role.POP_USER else None, pop=pop
            )
            if sign_in.role == Role.CANDIDATE:
                candidate = (
                    Candidate.objects.filter(rpa=rpa, reference__startswith=f"HLTA-{tag}-", status="registered")
                    .order_by("-pk")
                    .first()
                )
                if candidate is not None:
                    Candidate.objects.filter(pk=candidate.pk).update(user=user, email=sign_in.email)
            if sign_in.role == Role.RPA_ADMIN and rpa is not None and rpa.lead_id is None:
                RPA.objects.filter(pk=rpa.pk).update(lead=user)
        if sign_in.role in PRIVILEGED_ROLES:
            TOTPDevice.objects.get_or_create(
                user=user, name="Demo authenticator", defaults={"key": demo_totp_key(sign_in.email), "confirmed": True}
            )
        made += 1
    return made


def _name_of(sign_in: ScaleSignIn) -> str:
    return f"Scale {sign_in.role.label} {sign_in.rpa_slug}".strip()


def first_course_day(today: date) -> date:
    """The day the dataset's first course starts, for a run on `today`."""
    return today - timedelta(days=FIRST_COURSE_DAYS_AGO)
