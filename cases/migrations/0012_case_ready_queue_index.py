# The ready cases offered to a session's agenda, longest waiting first, read from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_list_covering_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "ready")),
                fields=["ready_at", "id"],
                include=("organisation", "code", "kind"),
                name="case_ready_queue_idx",
            ),
        ),
    ]
