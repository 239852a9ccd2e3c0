"""Production settings are chosen by DJANGO_SETTINGS_MODULE and refuse to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "rmm.settings.production",
    "SECRET_KEY": "prod-test-8f3k2l0s9d8f7g6h5j4k3l2m1n0b9v8c7x6z5a4s3d2f1g0h-Q!",
    "ALLOWED_HOSTS": "rmm.example.org",
    "RMM_SITE_URL": "https://rmm.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "RMM_FIELD_ENCRYPTION_KEY": "cHJvZC10ZXN0LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM=",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "RMM_SITE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_prints_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "RMM_FIELD_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is required" in result.stderr


def test_production_refuses_sqlite():
    result = run_manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "Production needs PostgreSQL" in result.stderr


@pytest.mark.parametrize(
    ("site_url", "warning"),
    [
        (None, "rmm.W001"),  # left at the default http://127.0.0.1:8000
        ("http://rmm.example.org", "rmm.W001"),
        ("https://autre.example.org", "rmm.W002"),
    ],
)
def test_check_deploy_warns_when_email_links_would_be_wrong(site_url, warning):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "RMM_SITE_URL"}
    if site_url:
        env["RMM_SITE_URL"] = site_url
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
