# A committee's sessions by date: the previous session of the action follow-up, the lists.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0015_attendance_certificates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(fields=["committee", "starts_at"], name="session_committee_date_idx"),
        ),
    ]
