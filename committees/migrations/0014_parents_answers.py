# Placeholder reserved for issue 15 (parents' pathway): its operations are written by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0013_session_guests"),
    ]

    operations = []
