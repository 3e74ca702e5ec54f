"""ASM-5 in the database: a submitted version can be neither changed nor deleted. And every assessment booked
before files existed gets its file (F0 prefilled), so its assessor can complete it."""

from django.db import migrations
from django.utils import timezone

FORBID = """
CREATE FUNCTION assessments_fileversion_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A submitted version of an assessment file is kept unchanged (ASM-5)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fileversion_unchanged BEFORE UPDATE OR DELETE ON assessments_fileversion
    FOR EACH ROW EXECUTE FUNCTION assessments_fileversion_unchanged();
"""
ALLOW = """
DROP TRIGGER IF EXISTS fileversion_unchanged ON assessments_fileversion;
DROP FUNCTION IF EXISTS assessments_fileversion_unchanged();
"""


def open_files(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AssessmentFile = apps.get_model("assessments", "AssessmentFile")
    booked = Assessment.objects.filter(state="booked", file__isnull=True).select_related(
        "candidate__school", "candidate__pop", "assessor"
    )
    for assessment in booked:
        candidate = assessment.candidate
        AssessmentFile.objects.create(
            rpa_id=assessment.rpa_id,
            assessment=assessment,
            candidate=candidate,
            assessor=assessment.assessor,
            owner_id=assessment.assessor.user_id,
            draft={
                "f0": {
                    "full_name": f"{candidate.first_name} {candidate.last_name}",
                    "date_of_birth": candidate.date_of_birth.isoformat() if candidate.date_of_birth else "",
                    "email": candidate.email,
                    "school": f"{candidate.school.name} (URN {candidate.school.urn})",
                    "job_title": candidate.job_title,
                    "pop": candidate.pop.name,
                    "assessment_date": timezone.localtime(assessment.starts_at).date().isoformat(),
                    "confirmed": False,
                }
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessment_files")]

    operations = [
        migrations.RunSQL(FORBID, ALLOW),
        migrations.RunPython(open_files, migrations.RunPython.noop),
    ]
