# Placeholder reserved for issue 15 (invited guests): its operations are written by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0012_seat_roles_reconcile"),
    ]

    operations = []
