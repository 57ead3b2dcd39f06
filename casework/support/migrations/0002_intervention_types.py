from django.db import migrations, models

TYPES = [
    ("ideological_mentoring", "Ideological mentoring (approved intervention provider)", True),
    ("education_training_employment", "Education, training or employment", False),
    ("health", "Health and mental health", False),
    ("family_support", "Family support", False),
    ("housing", "Housing", False),
    ("life_skills", "Life skills", False),
    ("diversionary", "Diversionary activities", False),
    ("other", "Other", False),
]


def load(apps, schema_editor):
    InterventionType = apps.get_model("support", "InterventionType")
    for code, name, approved in TYPES:
        InterventionType.objects.get_or_create(code=code, defaults={"name": name,
                                                                     "requires_approved_provider": approved})


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="InterventionType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=120)),
                ("requires_approved_provider", models.BooleanField(default=False, help_text="e.g. ideological mentoring is delivered only by Home Office approved providers.")),
                ("active", models.BooleanField(default=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.AlterField(
            model_name="intervention",
            name="type",
            field=models.CharField(help_text="An InterventionType code.", max_length=40),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
