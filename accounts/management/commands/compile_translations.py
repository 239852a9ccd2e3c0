"""Compile locale/*/LC_MESSAGES/*.po into .mo files in pure Python (polib), so that `make run`
works on a machine without GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile les traductions (.po → .mo) sans dépendre de GNU gettext."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(
                    f"{po_path} → {mo_path.name} ({catalogue.percent_translated()} %)"
                )
        self.stdout.write(f"{compiled} catalogue(s) compilé(s).")
