# Placeholder reserved for issue 15 (parents' pathway): its operations are written by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_contributions"),
    ]

    operations = []
