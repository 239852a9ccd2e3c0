import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_templates_carry_no_inline_script_or_style(client, clinician):
    client.force_login(clinician)
    body = client.get(reverse("home")).content.decode()
    assert "<script>" not in body and "<style" not in body and " style=" not in body


def test_signed_in_pages_are_never_cached(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
