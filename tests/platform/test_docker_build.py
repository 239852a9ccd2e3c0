"""The image's build, proved without a Docker engine: the Dockerfile runs docker/build.sh, and
this test runs that same script in a copy of the repository made as `docker build` makes its
context (honouring .dockerignore), with a fresh virtual environment and none of the secrets
in the environment. A build step that breaks fails here."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.platform.conftest import real_clock_only

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


# --- .dockerignore, read as Docker reads it -------------------------------------------------
def _pattern_regex(pattern: str) -> re.Pattern:
    """Docker's pattern syntax (Go's filepath.Match plus `**`) as a regular expression."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((negated, _pattern_regex(pattern)))
    return rules


RULES = dockerignore_rules((ROOT / ".dockerignore").read_text())


def ignored(relative: str) -> bool:
    """Excluded when a pattern matches the path or one of its parents; the last rule wins."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for negated, regex in RULES:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            result = not negated
    return result


def copy_build_context(destination: Path) -> None:
    """Copy the working tree as `docker build .` would send it."""
    for folder, subfolders, files in os.walk(ROOT):
        relative_folder = Path(folder).relative_to(ROOT)
        subfolders[:] = [
            name for name in subfolders if not ignored((relative_folder / name).as_posix())
        ]
        for name in files:
            relative = (relative_folder / name).as_posix()
            if not ignored(relative):
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(folder) / name, target)


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "var/field-encryption.key",
        "var/rmm.sqlite3",
        "var/media/actions/evidence.pdf",
        "media/evidence.pdf",
        "staticfiles/staticfiles.json",
        "backups/rmm-20261130-020000/rmm.dump",
        "rmm.dump",
        "secrets/server.key",
        "tls/cert.pem",
        ".venv/bin/python",
        "venv/bin/python",
        ".git/config",
        "cases/__pycache__/models.cpython-311.pyc",
        "node_modules/x/index.js",
        "tests/conftest.py",
        "docs/screenshots/minutes.png",
    ],
)
def test_dockerignore_keeps_secrets_local_data_and_tooling_out(path):
    assert ignored(path), path


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        "manage.py",
        "pyproject.toml",
        "docker/build.sh",
        "docker/healthcheck.py",
        "rmm/settings/production.py",
        "templates/base.html",
        "locale/en/LC_MESSAGES/django.po",
        "accounts/management/commands/bootstrap_installation.py",
    ],
)
def test_dockerignore_keeps_what_the_image_needs(path):
    assert not ignored(path), path


def test_dockerfile_runs_the_build_script_and_the_app_as_a_non_root_user():
    runs = re.findall(r"^RUN (.+)$", DOCKERFILE, re.M)
    assert "./docker/build.sh dependencies" in runs
    assert any(run.startswith("./docker/build.sh assets") for run in runs)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert DOCKERFILE.rindex("USER ") < DOCKERFILE.index("CMD [")
    env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", DOCKERFILE.split("ENV", 1)[1].split("RUN", 1)[0]))
    assert env["DJANGO_SETTINGS_MODULE"] == "rmm.settings.production"
    # Static files are built into the image, outside the volume mounted on RMM_VAR_DIR.
    assert not env["RMM_STATIC_ROOT"].startswith(env["RMM_VAR_DIR"])
    assert env["PYTHONPATH"] == "/app"
    # No secret is baked in: the only values are in the build script, marked build-only.
    for name in ("SECRET_KEY", "RMM_FIELD_ENCRYPTION_KEY", "DATABASE_URL"):
        assert name not in DOCKERFILE


@real_clock_only
def test_the_build_script_builds_a_clean_copy_without_any_secret(image_build):
    """The build context copied as `docker build` copies it, a fresh venv (sharing the project's
    installed packages, so pip finds every dependency already there and needs no network), then
    the script with an environment that holds no secret and no settings module (see
    tests/platform/conftest.py)."""
    context, python, env = image_build.context, image_build.python, image_build.env
    for secret_or_local in (".env", "var", ".venv", ".git", "tests"):
        assert not (context / secret_or_local).exists(), secret_or_local
    result = image_build.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    manifest = context / "staticfiles" / "staticfiles.json"
    assert manifest.is_file()
    assert "css/rmm.css" in manifest.read_text() or "rmm.css" in manifest.read_text()
    assert list((context / "staticfiles").rglob("*.css.gz")), "whitenoise compression ran"
    assert (context / "locale/en/LC_MESSAGES/django.mo").is_file()
    assert not (context / "var").exists(), "the build must not write local state"

    # What gunicorn and Celery import in the image: the code of /app, with its templates.
    base_dir = subprocess.run(
        [python, "-c", "import rmm.settings.base as b; print(b.BASE_DIR)"],
        cwd=context.parent,
        env={**env, "DJANGO_SETTINGS_MODULE": "rmm.settings.base"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(base_dir) == context


def test_the_build_script_refuses_an_unknown_step():
    result = subprocess.run(
        ["sh", str(ROOT / "docker/build.sh"), "everything"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage" in result.stderr
