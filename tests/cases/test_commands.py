"""The cases app's management commands: scrub_text, rotate_identity_key, draw_workflow."""

import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Organisation, User
from cases import crypto
from cases.models.case import Case
from cases.models.identity import IdentityVault
from cases.status import CaseStatus

TRANSITIONS = [
    "declare",
    "accept",
    "exclude",
    "submit_for_review",
    "schedule",
    "postpone",
    "send_back",
    "record_review",
    "adopt_action_plan",
    "close",
    "reopen",
]


def run_scrub_text(monkeypatch, text: str, *args: str) -> tuple[str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    call_command("scrub_text", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- scrub_text ----------------------------------------------------------------------------


def test_scrub_text_replaces_name_date_and_phone(monkeypatch):
    out, err = run_scrub_text(monkeypatch, "Mme Diallo, née le 03/02/2025, tél 06 12 34 56 78")

    assert "[NOM]" in out
    assert "[DATE]" in out
    assert "[TEL]" in out
    for original in ("Diallo", "03/02/2025", "06 12 34 56 78"):
        assert original not in out
    assert err == ""


def test_scrub_text_writes_nothing_but_the_text(monkeypatch):
    out, _ = run_scrub_text(monkeypatch, "Apgar 3/6/8 à J3.\nRAS.\n")

    assert out == "Apgar 3/6/8 à J3.\nRAS.\n"


def test_scrub_text_removes_known_values(monkeypatch):
    # A short code no pattern knows: only the vault value can say that it identifies.
    text = "Code famille XK-4471 transmis en réanimation à H+4."

    without_known, _ = run_scrub_text(monkeypatch, text)
    with_known, _ = run_scrub_text(monkeypatch, text, "--known", "XK-4471")

    assert "XK-4471" in without_known
    assert "XK-4471" not in with_known
    assert with_known.startswith("Code famille [N° DOSSIER] transmis")


def test_scrub_text_report_counts_kinds_on_stderr_without_values(monkeypatch):
    out, err = run_scrub_text(
        monkeypatch, "Mme Diallo, née le 03/02/2025, tél 06 12 34 56 78", "--report"
    )

    assert "[NOM] : 1" in err
    assert "[DATE] : 1" in err
    assert "[TEL] : 1" in err
    for original in ("Diallo", "03/02/2025", "06 12 34 56 78"):
        assert original not in err
    assert "[NOM] :" not in out


def test_scrub_text_as_a_real_process():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rmm.settings.test",
        "PYTHONIOENCODING": "utf-8",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "scrub_text", "--known", "Koné"],
        input="Mme Koné, tél 06 12 34 56 78. Koné revue le 12/03/2025.\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=django_settings.BASE_DIR,
        env=env,
        timeout=60,
        check=True,
    )

    assert result.stdout == "Mme [NOM], tél [TEL]. [NOM] revue le [DATE].\n"


# --- rotate_identity_key -------------------------------------------------------------------

PLANTED = {
    "mother_last_name": "Canari-Zephyrine",
    "mother_birth_name": "Oiseau-Lyre",
    "mother_first_name": "Philomène",
    "child_last_name": "Canari-Zephyrine",
    "child_first_name": "Anatole",
    "mother_nir": "2 85 07 75 123 456 78",
    "ipp": "IPP-98765432",
    "nda": "NDA-12345678",
    "address": "17 rue des Mésanges, 59000 Lille",
    "phone": "06 98 76 54 32",
    "email": "philomene.canari@example.test",
    "narrative_original": "Mme Canari-Zephyrine arrive aux urgences à 3 h 10.",
}
BORN_AT = datetime(2026, 1, 14, 3, 25, tzinfo=UTC)
DIED_AT = datetime(2026, 1, 16, 22, 40, tzinfo=UTC)
PLAINTEXTS = [
    *PLANTED.values(),
    "Canari",
    "Zephyrine",
    "285077512345678",
    "0698765432",
    "Mésanges",
    "2026-01-14",
    "14/01/2026",
    "2026-01-16",
    "16/01/2026",
]


@pytest.fixture
def vault(db):
    org = Organisation.objects.create(name="Maternité Test", kind="maternite", level="3")
    user = User.objects.create_user(
        email="declarant@hopital.test", password="Correct-horse-9", full_name="Déclarant Test"
    )
    case = Case.objects.create(code="RMM-F-0001", territory=org, organisation=org, declared_by=user)
    return IdentityVault.objects.create(case=case, born_at=BORN_AT, died_at=DIED_AT, **PLANTED)


def raw_vault_row(pk) -> dict:
    table = connection.ops.quote_name(IdentityVault._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def use_keys(settings, *keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEYS = list(keys)
    crypto._fernet.cache_clear()


def test_no_plaintext_at_rest(vault):
    raw = raw_vault_row(vault.pk)
    stored = " ".join(str(value) for value in raw.values()).casefold()

    for plaintext in PLAINTEXTS:
        assert plaintext.casefold() not in stored
    for name in IdentityVault.ENCRYPTED_FIELDS:
        assert raw[name]  # every planted value is stored, as a token


def test_rotate_identity_key_reencrypts_under_the_first_key(vault, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = raw_vault_row(vault.pk)

    use_keys(settings, new_key, old_key)
    out = io.StringIO()
    call_command("rotate_identity_key", stdout=out)

    assert "1 ligne(s)" in out.getvalue()
    assert f"{len(IdentityVault.ENCRYPTED_FIELDS)} valeur(s) rechiffrée(s)" in out.getvalue()
    after = raw_vault_row(vault.pk)
    stored = " ".join(str(value) for value in after.values()).casefold()
    for plaintext in PLAINTEXTS:
        assert plaintext.casefold() not in stored
    for name in IdentityVault.ENCRYPTED_FIELDS:
        assert after[name] != before[name]
        Fernet(new_key.encode()).decrypt(after[name].encode())
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(after[name].encode())

    use_keys(settings, new_key)
    reread = IdentityVault.objects.get(pk=vault.pk)
    for name, value in PLANTED.items():
        assert getattr(reread, name) == value
    assert reread.born_at == BORN_AT
    assert reread.died_at == DIED_AT


def test_rotate_identity_key_twice_is_harmless(vault, settings):
    new_key = Fernet.generate_key().decode()
    use_keys(settings, new_key, settings.FIELD_ENCRYPTION_KEYS[0])

    call_command("rotate_identity_key", stdout=io.StringIO())
    call_command("rotate_identity_key", "--batch-size", "1", stdout=io.StringIO())

    use_keys(settings, new_key)
    assert IdentityVault.objects.get(pk=vault.pk).mother_nir == PLANTED["mother_nir"]


def test_rotate_identity_key_leaves_empty_values_empty(vault, settings):
    IdentityVault.objects.filter(pk=vault.pk).update(ipp="", died_at=None)
    use_keys(settings, Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEYS[0])

    out = io.StringIO()
    call_command("rotate_identity_key", stdout=out)

    raw = raw_vault_row(vault.pk)
    assert raw["ipp"] == ""
    assert raw["died_at"] in ("", None)
    assert f"{len(IdentityVault.ENCRYPTED_FIELDS) - 2} valeur(s)" in out.getvalue()


def test_rotate_identity_key_dry_run_writes_nothing(vault, settings):
    before = raw_vault_row(vault.pk)
    use_keys(settings, Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEYS[0])

    out = io.StringIO()
    call_command("rotate_identity_key", "--dry-run", stdout=out)

    assert raw_vault_row(vault.pk) == before
    assert "Simulation" in out.getvalue()


def test_rotate_identity_key_refuses_a_value_no_key_opens(vault, settings):
    before = raw_vault_row(vault.pk)
    use_keys(settings, Fernet.generate_key().decode())

    with pytest.raises(CommandError, match="ne se déchiffre avec aucune") as excinfo:
        call_command("rotate_identity_key", stdout=io.StringIO())

    assert raw_vault_row(vault.pk) == before
    assert before["mother_last_name"] not in str(excinfo.value)


# --- draw_workflow -------------------------------------------------------------------------


def test_draw_workflow_is_generated_from_the_code(tmp_path):
    call_command("draw_workflow", "--output-dir", str(tmp_path), stdout=io.StringIO())

    dot = (tmp_path / "case-workflow.dot").read_text(encoding="utf-8")
    for status in CaseStatus:
        assert f'label="{status.label}"' in dot
    for name in TRANSITIONS:
        assert f'[label="{name}"]' in dot
    assert '"draft" -> "declared" [label="declare"]' in dot
    assert '"scheduled" -> "documenting" [label="send_back"]' in dot
    if shutil.which("dot"):
        svg = (tmp_path / "case-workflow.svg").read_text(encoding="utf-8")
        assert "<svg" in svg
        assert "Brouillon" in svg


def test_draw_workflow_output_is_stable(tmp_path):
    call_command("draw_workflow", "--output-dir", str(tmp_path / "a"), stdout=io.StringIO())
    call_command("draw_workflow", "--output-dir", str(tmp_path / "b"), stdout=io.StringIO())

    first = (tmp_path / "a" / "case-workflow.dot").read_bytes()
    assert first == (tmp_path / "b" / "case-workflow.dot").read_bytes()


def test_django_fsm_graph_transitions_draws_every_transition(tmp_path):
    """django-fsm-2's own command works too (the committed diagram comes from draw_workflow)."""
    out = io.StringIO()
    call_command("graph_transitions", "cases.Case", stdout=out)
    dot = out.getvalue()
    for name in (
        "declare",
        "accept",
        "exclude",
        "submit_for_review",
        "schedule",
        "postpone",
        "send_back",
        "record_review",
        "adopt_action_plan",
        "close",
        "reopen",
    ):
        assert name in dot, name


def test_scrub_text_explain_gives_kind_span_and_signal_never_the_value(monkeypatch):
    text = "Yasmine vue le 12/03 par Wojciech Brzęczyszczykiewicz. IPP mère : 40012345."
    out, err = run_scrub_text(monkeypatch, text, "--explain", "--known", "Yasmine")

    assert out == "[NOM] vue le [DATE] par [NOM]. IPP mère : [N° DOSSIER]."
    lines = [line.split("\t") for line in err.strip().splitlines()]
    assert lines == [
        ["name", "0-7", "known"],
        ["date", "15-20", "rule"],
        ["name", "25-53", "model"],
        ["record", "66-74", "rule"],
    ]
    for value in ("Yasmine", "12/03", "Wojciech", "40012345"):
        assert value not in err


def test_scrub_text_without_the_model_says_so(monkeypatch):
    out, err = run_scrub_text(
        monkeypatch, "Appel de Wojciech Brzęczyszczykiewicz.", "--explain", "--no-model"
    )
    assert "Wojciech" in out
    assert "Second signal (modèle statistique) désactivé" in err
