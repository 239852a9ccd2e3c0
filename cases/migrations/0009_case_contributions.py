# Placeholder reserved for issue 15 (contributing organisations): its operations are written by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_stillbirth_timing"),
    ]

    operations = []
