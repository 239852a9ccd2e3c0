"""Fill an empty database with an invented region at scale (benchmarks, load tests)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case


class Command(BaseCommand):
    help = "Génère une région fictive : organisations, comptes, cas, revues, séances, actions."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000, help="Nombre de cas (défaut 1000).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine : mêmes données à chaque fois."
        )

    def handle(self, *args, cases, seed, **options):
        # Like load_demo: never on a server holding real cases.
        if not settings.RMM_DEMO_ALLOWED:
            raise CommandError(
                "Refusé : les données fictives ne se génèrent qu'en mode local ou de test "
                "(réglages rmm.settings.local ou rmm.settings.test)."
            )
        if cases < 1:
            raise CommandError("--cases doit être un entier positif.")
        if Case.objects.exists():
            raise CommandError("Refusé : la base contient déjà des cas (utilisez une base vide).")
        from rmm.fake_data import generate

        started = time.perf_counter()
        counts = generate(cases=cases, seed=seed, report=self.stdout.write)
        seconds = time.perf_counter() - started
        self.stdout.write(f"{counts['cases']} cas générés en {seconds:.1f} s (graine {seed}).")
