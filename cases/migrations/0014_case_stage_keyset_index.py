# The cases in the committee's stages, in the case list's order, read from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_status_keyset_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ("ready", "scheduled", "reviewed", "action_follow_up", "closed"))
                ),
                fields=["-created_at", "-id"],
                include=("status", "organisation", "declared_by", "code", "kind"),
                name="case_stage_keyset_idx",
            ),
        ),
    ]
