#!/bin/sh
# Build steps of the RMM image. The Dockerfile runs them, and so does
# tests/platform/test_docker_build.py in a clean copy of the repository: there is no Docker
# engine in CI, so this script is what CI can prove about the image.
#
#   docker/build.sh dependencies   install the Python dependencies listed in pyproject.toml
#   docker/build.sh assets         translations, static files, settings check
#   docker/build.sh                both
#
# The application itself is not pip-installed: it runs from its folder (PYTHONPATH), so that
# gunicorn, Celery and manage.py all import the same code and find templates/, static/ and
# locale/ beside it.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

dependencies() {
    # pyproject.toml is the only list of dependencies; installing them alone (not the project)
    # lets the Dockerfile cache this layer until pyproject.toml changes.
    requirements="$(mktemp)"
    "$PYTHON" - "$requirements" <<'PY'
import sys
import tomllib

with open("pyproject.toml", "rb") as handle:
    dependencies = tomllib.load(handle)["project"]["dependencies"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\n".join(dependencies) + "\n")
PY
    "$PYTHON" -m pip install --no-cache-dir --disable-pip-version-check --quiet -r "$requirements"
    rm -f "$requirements"
}

assets() {
    # Production settings refuse to load without their secrets. These build-only values are
    # exported here, once, so that every step below sees them (in a Dockerfile,
    # `RUN A=1 cmd1 && cmd2` would give them to cmd1 only). None of them reaches the running
    # image: the containers get theirs from .env.
    export DJANGO_SETTINGS_MODULE=rmm.settings.production
    export SECRET_KEY="build-only-never-used-at-run-time-0123456789-abcdefghijklmnopqrstuvwxyz"
    export ALLOWED_HOSTS=build.invalid
    export RMM_SITE_URL=https://build.invalid
    export DATABASE_URL=postgres://build@build.invalid:5432/build
    export RMM_FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1rZXktbmV2ZXItdXNlZC0zMmJ5dGU=
    "$PYTHON" manage.py compile_translations
    "$PYTHON" manage.py collectstatic --noinput --verbosity 0
    # Fails the build on a settings error, or on any deployment warning.
    "$PYTHON" manage.py check --deploy --fail-level WARNING
}

case "${1:-all}" in
    dependencies) dependencies ;;
    assets) assets ;;
    all) dependencies && assets ;;
    *) echo "usage: $0 [dependencies|assets|all]" >&2; exit 2 ;;
esac
