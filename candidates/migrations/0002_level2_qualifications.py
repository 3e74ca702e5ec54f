"""Seed the accepted Level 2 qualifications (S11-5) from candidates/data/level2-qualifications.csv."""

from django.db import migrations

from candidates.reference_data import load


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
