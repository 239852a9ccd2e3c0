"""The image, built once per test session as CI can build it without a Docker engine: the build
context copied as `docker build` copies it, then docker/build.sh in a fresh virtual
environment. test_docker_build.py checks the result; test_docker_compose.py runs the compose
services' commands from it, as the containers would."""

import os
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# These tests run the build, the services and the backup scripts in subprocesses, on the real
# clock: CI's second pass under RMM_TEST_CLOCK would only repeat them, at about a minute and a
# half of CI time.
real_clock_only = pytest.mark.skipif(
    bool(os.environ.get("RMM_TEST_CLOCK")),
    reason="subprocesses on the real clock: the RMM_TEST_CLOCK pass would repeat this test",
)


@dataclass
class ImageBuild:
    context: Path
    python: Path
    env: dict
    result: subprocess.CompletedProcess
    seconds: float


@pytest.fixture(scope="session")
def image_build(tmp_path_factory) -> ImageBuild:
    from tests.platform.test_docker_build import copy_build_context

    root = tmp_path_factory.mktemp("image")
    context = root / "app"
    copy_build_context(context)

    # A fresh venv that sees the project's installed packages through a .pth file: pip then
    # finds every dependency already satisfied (no download), and the build proves its steps.
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    venv_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(venv_site) / "rmm-ci-shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    # As in the Dockerfile: no secret, no settings module; only the image's own ENV values.
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "PYTHON": str(python),
        "PYTHONPATH": str(context),
        "RMM_STATIC_ROOT": str(context / "staticfiles"),
    }
    started = time.monotonic()
    result = subprocess.run(
        ["./docker/build.sh"],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    build = ImageBuild(context, python, env, result, time.monotonic() - started)
    print(f"\ndocker/build.sh: {build.seconds:.1f} s")
    return build


@pytest.fixture(scope="module")
def demo_for_the_module(django_db_setup, django_db_blocker):
    """The demo loaded once for all the tests of a module (about 20 s a load), inside a
    transaction rolled back after them: each test runs in a savepoint within it (its own changes
    undone at its end), and no other module ever sees the demo."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
