"""ASM-5 stays in the database with two recorded exceptions: a transfer (RISK-1) changes nothing of a submitted
version but its rpa_id, and retention (S11-4) may rewrite or delete versions only inside a transaction that has run
`SET LOCAL hnap.version_rewrite = 'retention'` (the setting ends with the transaction)."""

from django.db import migrations

RELAXED = """
CREATE OR REPLACE FUNCTION assessments_fileversion_unchanged() RETURNS trigger AS $$
BEGIN
    -- Retention (S11-4): only a transaction that said so with SET LOCAL; it lapses at COMMIT/ROLLBACK.
    IF current_setting('hnap.version_rewrite', true) = 'retention' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    -- Transfer (RISK-1): the version moves to another RPA; every other column stays exactly as submitted.
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'rpa_id') = (to_jsonb(OLD) - 'rpa_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'A submitted version of an assessment file is kept unchanged (ASM-5)';
END;
$$ LANGUAGE plpgsql;
"""
STRICT = """
CREATE OR REPLACE FUNCTION assessments_fileversion_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A submitted version of an assessment file is kept unchanged (ASM-5)';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_file_versions_unchanged_and_open_files")]

    operations = [migrations.RunSQL(RELAXED, STRICT)]
