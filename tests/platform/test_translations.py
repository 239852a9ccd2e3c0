import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation


def test_english_catalogue_is_complete_and_compiles(tmp_path):
    po_path = settings.BASE_DIR / "locale/en/LC_MESSAGES/django.po"
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert untranslated == []
    assert catalogue.fuzzy_entries() == []
    call_command("compile_translations")
    assert po_path.with_suffix(".mo").is_file()


@pytest.mark.parametrize(
    ("french", "english"),
    [("Accueil", "Home"), ("Se connecter", "Sign in"), ("Référent RMM", "RMM coordinator")],
)
def test_english_is_served_from_the_compiled_catalogue(french, english):
    with translation.override("en"):
        assert translation.gettext(french) == english
    with translation.override("fr"):
        assert translation.gettext(french) == french
