from django.db import migrations

from hnap.reference_data import load


class Migration(migrations.Migration):
    dependencies = [("hnap", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
