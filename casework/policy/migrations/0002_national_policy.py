import datetime

from django.db import migrations


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    # The national default from the Channel Duty Guidance and domain.md; effective from the start of the
    # statistics series so historical (imported or synthetic) decisions have a version in force.
    PolicyVersion.objects.get_or_create(
        version="2015.1", defaults={"name": "National policy (Channel Duty Guidance defaults)",
                                    "effective_from": datetime.date(2015, 4, 1)},
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
