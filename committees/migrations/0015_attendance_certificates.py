# Issue 15 (attendance certificates): no schema change. Attendance is locked by a model guard
# (Attendance.save/clean/delete, committees.conditions.attendance_refusal), certificates are
# computed from the locked attendance of sessions with validated minutes.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0014_parents_answers"),
    ]

    operations = []
