"""There is no Docker engine here: docker-compose.yml is checked by parsing it, by resolving
every module its commands name, and by running the web command it runs (gunicorn) for real."""

import importlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_has_every_service_of_the_stack():
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert "mailpit" in SERVICES["mailpit"]["image"]
    for name in ("web", "worker", "beat", "migrate"):
        assert SERVICES[name]["build"] == "."
    assert (ROOT / "Dockerfile").is_file()


def test_app_services_use_production_settings_postgres_redis_and_mailpit():
    for name in ("web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "rmm.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].split("@")[1].startswith("postgres:")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["EMAIL_HOST"] == "mailpit"
        importlib.import_module(env["DJANGO_SETTINGS_MODULE"].rsplit(".", 1)[0])


def _module_attribute_exists(target: str) -> bool:
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return not attribute or hasattr(module, attribute)


def test_every_command_names_something_that_exists():
    checked = 0
    for name, service in SERVICES.items():
        command = service.get("command")
        if not command or "build" not in service:
            continue
        program = command[0]
        if program == "gunicorn":
            assert _module_attribute_exists(command[1]), (name, command)
        elif program == "celery":
            app_module = command[command.index("-A") + 1]
            assert hasattr(importlib.import_module(f"{app_module}.celery"), "app"), name
            assert command[command.index("-A") + 2] in {"worker", "beat"}, name
        elif program == "python":
            assert command[1] == "manage.py" and (ROOT / "manage.py").is_file()
            assert command[2] in get_commands(), (name, command)
        else:
            pytest.fail(f"unchecked program {program!r} in service {name}")
        checked += 1
    assert checked >= 4


def test_dockerfile_cmd_and_healthcheck_point_at_real_targets():
    dockerfile = (ROOT / "Dockerfile").read_text()
    target = re.search(r'CMD \["gunicorn", "([^"]+)"', dockerfile).group(1)
    assert _module_attribute_exists(target)
    health = " ".join(SERVICES["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S+?)'", health).group(1)
    assert resolve(path).url_name == "healthz"


def test_every_variable_compose_sets_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in SERVICES["web"]["environment"]:
        assert f"`{name}`" in readme, name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_the_web_command_serves_healthz_under_production_settings():
    from tests.conftest import redis_url

    command = list(SERVICES["web"]["command"])
    port = free_port()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rmm.settings.production",
        "SECRET_KEY": "compose-test-" + "k8s2j4h6g8f0d2s4a6q8w0e2r4t6y8u0i2o4p6",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "REDIS_URL": redis_url(),
        "RMM_SSL_REDIRECT": "0",
        "RMM_FIELD_ENCRYPTION_KEY": "Y29tcG9zZS10ZXN0LWtleS1ub3Qtc2VjcmV0LTMyYnk=",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _attempt in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                    body = reply.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "gunicorn never answered"
        assert '"database": "ok"' in body and '"broker": "ok"' in body
    finally:
        server.terminate()
        server.wait(timeout=15)
