from django.db import migrations


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("accounts", "LocalAuthority")
    Panel = apps.get_model("panels", "Panel")
    for la in LocalAuthority.objects.all():
        Panel.objects.get_or_create(local_authority=la, kind="channel",
                                    defaults={"name": f"{la.name} Channel panel"})


class Migration(migrations.Migration):
    dependencies = [("panels", "0001_initial"), ("accounts", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
