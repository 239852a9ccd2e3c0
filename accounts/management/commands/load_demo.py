"""Load the demo data of every app that has a `demo` module (accounts first)."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Autorise le chargement hors réglages locaux (jamais sur un serveur réel).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.RMM_DEMO_ALLOWED and not allow_production:
            raise CommandError(
                "Refusé : les données de démonstration ne se chargent qu'en mode local "
                "(réglages rmm.settings.local)."
            )
        for app_name in settings.PROJECT_APPS:
            module_name = f"{app_name}.demo"
            if find_spec(module_name):
                created = import_module(module_name).load()
                summary = ", ".join(f"{key}: {value}" for key, value in created.items())
                self.stdout.write(f"{app_name}: créés {summary}")
