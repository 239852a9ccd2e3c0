# The case list filtered by status, read in its order from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_case_ready_queue_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "-created_at", "-id"],
                include=("organisation", "declared_by", "code", "kind"),
                name="case_status_keyset_idx",
            ),
        ),
    ]
