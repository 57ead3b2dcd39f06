from django.db import migrations


def load(apps, schema_editor):
    from casework.accounts.reference_data import REGIONS

    Region = apps.get_model("accounts", "Region")
    LocalAuthority = apps.get_model("accounts", "LocalAuthority")
    for code, (name, las) in REGIONS.items():
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        for la_code, la_name in las:
            LocalAuthority.objects.get_or_create(code=la_code, defaults={"name": la_name, "region": region})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
