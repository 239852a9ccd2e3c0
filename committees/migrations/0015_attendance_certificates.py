# Placeholder reserved for issue 15 (attendance certificates): its operations are written by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0014_parents_answers"),
    ]

    operations = []
