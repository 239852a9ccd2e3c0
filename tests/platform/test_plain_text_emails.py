"""Plain-text e-mails are not HTML: every `.txt` template renders with autoescape off, so that
"Alice <alice@…>" or "l'ordre du jour" never reach a mailbox as "&lt;" or "&#x27;"."""

from pathlib import Path

from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parents[2] / "templates"


def test_every_plain_text_template_turns_autoescape_off():
    missing = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.txt")
        if "{% autoescape off %}" not in path.read_text()
    ]
    assert missing == []


def test_a_plain_text_email_keeps_angle_brackets_and_apostrophes():
    body = render_to_string(
        "accounts/email/email_changed_body.txt",
        {"change": {"old_email": "o'neil@hopital.fr", "new_email": "<n@hopital.fr>"}},
    )
    assert "o'neil@hopital.fr" in body and "<n@hopital.fr>" in body
    assert "&lt;" not in body and "&#x27;" not in body
