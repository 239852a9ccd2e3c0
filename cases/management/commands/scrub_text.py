"""Scrub a text from the command line: stdin in, pseudonymised text out.

Meant for a coordinator or a data manager who wants to check or clean a text outside the web
application (an export, a letter) with exactly the same scrubber as the forms use.
"""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from cases.anonymisation import (
    MAX_TEXT_LENGTH,
    PLACEHOLDERS,
    find_identifiers,
    normalise_text,
    replace_findings,
)
from cases.detection import second_signal


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
            "--explain",
            action="store_true",
            help=(
                "Écrit sur la sortie d'erreur une ligne par identifiant trouvé : type, position "
                "(début-fin, en caractères du texte normalisé) et signal (règle, identité "
                "connue, modèle) ; jamais la valeur elle-même."
            ),
        )
        parser.add_argument(
            "--no-model",
            action="store_true",
            help="Règles seules, sans le modèle statistique (second signal).",
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
        recogniser = None if options["no_model"] else second_signal()
        text = normalise_text(text)
        findings = find_identifiers(text, known, recogniser=recogniser)
        # Only the scrubbed text goes to stdout, so that the command can sit in a pipe.
        self.stdout.write(replace_findings(text, findings), ending="")
        if options["explain"]:
            if recogniser is None:
                self.stderr.write("Second signal (modèle statistique) désactivé : règles seules.")
            # Signal: "rule" (a pattern), "known" (a --known value) or "model".
            for finding in findings:
                self.stderr.write(
                    f"{finding.kind}\t{finding.start}-{finding.end}\t{finding.signal}"
                )
        if options["report"]:
            counts = Counter(finding.kind for finding in findings)
            for kind in PLACEHOLDERS:
                if counts[kind]:
                    self.stderr.write(f"{PLACEHOLDERS[kind]} : {counts[kind]}")
            if not counts:
                self.stderr.write("Aucun identifiant trouvé.")
