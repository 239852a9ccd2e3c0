"""Scrub a text from the command line: stdin in, pseudonymised text out.

Meant for a coordinator or a data manager who wants to check or clean a text outside the web
application (an export, a letter) with exactly the same scrubber as the forms use.
"""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from cases.anonymisation import MAX_TEXT_LENGTH, PLACEHOLDERS, find_identifiers, scrub


class Command(BaseCommand):
    help = (
        "Lit un texte sur l'entrée standard et écrit sur la sortie standard le même texte "
        "dont les identifiants directs (noms, dates, NIR, téléphones, e-mails, adresses, "
        "numéros de dossier) sont remplacés par des marqueurs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--known",
            action="append",
            default=[],
            metavar="VALEUR",
            help=(
                "Valeur identifiante connue du cas (nom, prénom, NIR...) à retirer partout où "
                "elle apparaît. Option répétable."
            ),
        )
        parser.add_argument(
            "--report",
            action="store_true",
            help=(
                "Écrit sur la sortie d'erreur le nombre d'identifiants trouvés par type, "
                "jamais les valeurs elles-mêmes."
            ),
        )

    def handle(self, *args, **options):
        text = sys.stdin.read(MAX_TEXT_LENGTH + 1)
        if len(text) > MAX_TEXT_LENGTH:
            raise CommandError(
                f"Texte trop long : au plus {MAX_TEXT_LENGTH} caractères à la fois (découpez-le)."
            )
        known = [value for value in options["known"] if value.strip()]
        # Only the scrubbed text goes to stdout, so that the command can sit in a pipe.
        self.stdout.write(scrub(text, known), ending="")
        if options["report"]:
            counts = Counter(finding.kind for finding in find_identifiers(text, known))
            for kind in PLACEHOLDERS:
                if counts[kind]:
                    self.stderr.write(f"{PLACEHOLDERS[kind]} : {counts[kind]}")
            if not counts:
                self.stderr.write("Aucun identifiant trouvé.")
