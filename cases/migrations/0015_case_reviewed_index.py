# The reviewed cases by organisation, with the columns the agenda's candidates show.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_stage_keyset_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "reviewed")),
                fields=["organisation"],
                include=("id", "code", "kind", "ready_at"),
                name="case_reviewed_idx",
            ),
        ),
    ]
