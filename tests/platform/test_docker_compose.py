"""There is no Docker engine here: docker-compose.yml is checked by parsing it, by resolving
every module its commands name, and by running for real what its services run: the web command
(gunicorn, production settings) behind a TLS proxy and served directly, the worker and beat
commands, and each health check against them."""

import importlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

from tests.platform.conftest import real_clock_only

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
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
        assert env["DATABASE_URL"].startswith("postgres://rmm_app:")
        assert env["DATABASE_URL"].split("@")[1].startswith("postgres:")
        assert env["REDIS_URL"].startswith("redis://redis:")
        # Mailpit until .env names the hospital's relay.
        assert env["EMAIL_HOST"] == "${EMAIL_HOST:-mailpit}"
        assert env["EMAIL_PORT"] == "${EMAIL_PORT:-1025}"
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


def test_dockerfile_cmd_and_web_healthcheck_point_at_real_targets():
    dockerfile = (ROOT / "Dockerfile").read_text()
    target = re.search(r'CMD \["gunicorn", "([^"]+)"', dockerfile).group(1)
    assert _module_attribute_exists(target)
    assert SERVICES["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "docker/healthcheck.py",
        "web",
    ]
    probe = (ROOT / "docker/healthcheck.py").read_text()
    path = re.search(r'request\("GET", "(/[^"]+)"', probe).group(1)
    assert resolve(path).url_name == "healthz"


def test_every_variable_compose_sets_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in SERVICES["web"]["environment"]:
        assert f"`{name}`" in readme, name


# --- Pinned images, secrets from .env only ---------------------------------------------------
def test_images_are_pinned_to_a_patch_release():
    assert re.fullmatch(r"postgres:16\.\d+", SERVICES["postgres"]["image"])
    assert re.fullmatch(r"redis:7\.\d+\.\d+", SERVICES["redis"]["image"])
    assert re.fullmatch(r"axllent/mailpit:v1\.\d+\.\d+", SERVICES["mailpit"]["image"])
    # The tools dump and restore with the server's own version.
    assert (
        SERVICES["backup"]["image"] == SERVICES["restore"]["image"] == SERVICES["postgres"]["image"]
    )
    assert "latest" not in COMPOSE_TEXT.replace("${RMM_IMAGE_TAG:-latest}", "")


SECRET_VARIABLES = {
    "SECRET_KEY",
    "RMM_FIELD_ENCRYPTION_KEY",
    "RMM_DB_OWNER_PASSWORD",
    "RMM_APP_DB_PASSWORD",
}


def test_secrets_come_only_from_the_env_file_and_are_required():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|KEY", key) and key not in {"EMAIL_HOST_PASSWORD"}:
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), (name, key, value)
            if key == "DATABASE_URL":
                password = value.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
                assert re.fullmatch(
                    r"\$\{(RMM_APP_DB_PASSWORD|RMM_DB_OWNER_PASSWORD):\?[^}]+\}", password
                ), (name, value)
    for secret in SECRET_VARIABLES:
        assert f"${{{secret}:?" in COMPOSE_TEXT, secret
        assert f"${{{secret}:-" not in COMPOSE_TEXT, f"{secret} must have no default"


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_env_example_documents_every_variable_the_compose_file_reads():
    read = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_TEXT))
    example = env_example()
    assert read == set(example), "compose and .env.example must name the same variables"
    for secret in SECRET_VARIABLES:
        assert example[secret] == "", f"{secret}: .env.example must not carry a value"
    # Each variable (or group of variables) comes right after the comment explaining it.
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            above = index - 1
            while lines[above] and not lines[above].startswith("#"):
                above -= 1
            assert lines[above].startswith("#"), f"{line}: no comment above it"
    # .env is the secrets' only home: never committed, never in the image.
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    tracked = subprocess.run(
        ["git", "ls-files", ".env"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    assert tracked == ""


# --- Start order, volumes, health checks -----------------------------------------------------
def test_migrations_and_grants_run_once_before_web_worker_and_beat():
    assert SERVICES["migrate"]["command"][1:3] == ["manage.py", "migrate"]
    assert SERVICES["migrate"]["restart"] == SERVICES["grant"]["restart"] == "no"
    assert SERVICES["grant"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    for name in ("migrate", "grant"):
        assert SERVICES[name]["environment"]["DATABASE_URL"].startswith("postgres://rmm:")
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["grant"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_app_state_is_on_a_volume_and_web_listens_on_loopback_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    var_dir = re.search(r"RMM_VAR_DIR=(\S+)", dockerfile).group(1)
    for name in ("web", "worker", "beat"):
        assert f"app-data:{var_dir}" in SERVICES[name]["volumes"], name
    assert "--schedule=/app/var/celerybeat-schedule" in SERVICES["beat"]["command"]
    # Only a reverse proxy on the same server reaches gunicorn (it is the one client whose
    # X-Forwarded-Proto is trusted with RMM_BEHIND_PROXY=1).
    assert all(port.startswith("127.0.0.1:") for port in SERVICES["web"]["ports"])
    assert all(port.startswith("127.0.0.1:") for port in SERVICES["mailpit"]["ports"])


def test_every_service_that_runs_for_good_has_a_health_check():
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert SERVICES[name]["healthcheck"]["test"], name
    worker = SERVICES["worker"]["healthcheck"]["test"]
    assert worker[0] == "CMD-SHELL" and "celery -A rmm inspect ping" in worker[1]
    assert "-d celery@$$HOSTNAME" in worker[1]  # this worker, not any worker
    assert SERVICES["beat"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "docker/healthcheck.py",
        "beat",
    ]
    beat = SERVICES["beat"]["command"]
    assert _module_attribute_exists(beat[beat.index("--scheduler") + 1])


# --- What the health checks and the proxy settings do, for real ------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides) -> dict[str, str]:
    from tests.conftest import redis_url

    database = settings.DATABASES["default"]
    return {
        **{key: value for key, value in os.environ.items() if key != "RMM_SITE_URL"},
        "DJANGO_SETTINGS_MODULE": "rmm.settings.production",
        "SECRET_KEY": "compose-test-" + "k8s2j4h6g8f0d2s4a6q8w0e2r4t6y8u0i2o4p6",
        "ALLOWED_HOSTS": "rmm.example.org",
        "RMM_SITE_URL": "https://rmm.example.org",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "REDIS_URL": redis_url(),
        "RMM_FIELD_ENCRYPTION_KEY": "Y29tcG9zZS10ZXN0LWtleS1ub3Qtc2VjcmV0LTMyYnk=",
        **overrides,
    }


@pytest.fixture
def image(image_build):
    """The application as built into the image (tests/platform/conftest.py): the services'
    commands run from there, with its collected static files."""
    assert image_build.result.returncode == 0, image_build.result.stderr
    return image_build.context


@contextmanager
def web_service(image: Path, **overrides):
    """The compose `web` command (gunicorn, production settings) on a free local port, run from
    the built image's folder."""
    command = list(SERVICES["web"]["command"])
    port = free_port()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=image,
        env=production_env(RMM_STATIC_ROOT=str(image / "staticfiles"), **overrides),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _attempt in range(60):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn never listened")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(port: int, path: str, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "rmm.example.org", **headers}
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        # Generous: the first request of a cold gunicorn on a busy CI machine takes seconds.
        with opener.open(request, timeout=60) as reply:
            return reply.status, dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def run_healthcheck(kind: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "docker/healthcheck.py", kind],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    "allowed_hosts",
    ["rmm.example.org", "rmm.example.org,127.0.0.1", " .example.org", "*", "[::1]", ""],
)
def test_the_web_probe_names_a_host_the_site_accepts(monkeypatch, allowed_hosts):
    from django.http.request import validate_host

    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker/healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    entries = [entry.strip() for entry in allowed_hosts.split(",") if entry.strip()]
    assert validate_host(healthcheck.probe_host(), entries or ["localhost"])


@real_clock_only
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_web_health_check_passes_whatever_host_name_the_site_uses(image):
    """ALLOWED_HOSTS names only the public host and HTTPS is enforced, as on a server: a bare
    probe of 127.0.0.1 gets 400, the compose health check gets 200 from /healthz."""
    with web_service(image, RMM_BEHIND_PROXY="0", RMM_SSL_REDIRECT="1") as port:
        status, _headers = get(port, "/healthz", Host=f"127.0.0.1:{port}")
        assert status == 400

        result = run_healthcheck(
            "web", RMM_HEALTHCHECK_PORT=str(port), ALLOWED_HOSTS="rmm.example.org"
        )
        assert result.returncode == 0, result.stderr
    result = run_healthcheck("web", RMM_HEALTHCHECK_PORT=str(port))
    assert result.returncode == 1 and "no answer" in result.stderr


@real_clock_only
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_behind_a_tls_proxy_a_forwarded_https_request_is_served_without_a_loop(image):
    with web_service(image, RMM_BEHIND_PROXY="1", RMM_SSL_REDIRECT="1") as port:
        status, headers = get(port, "/connexion/", **{"X-Forwarded-Proto": "https"})
        assert status == 200, "the proxy's HTTPS request must not be redirected again"
        assert "Secure" in headers.get("Set-Cookie", "")
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        # The proxy received plain HTTP: redirected once, to HTTPS.
        status, headers = get(port, "/connexion/", **{"X-Forwarded-Proto": "http"})
        assert status == 301
        assert headers["Location"] == "https://rmm.example.org/connexion/"


@real_clock_only
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_served_directly_a_forged_forwarded_proto_is_not_trusted(image):
    with web_service(image, RMM_BEHIND_PROXY="0", RMM_SSL_REDIRECT="1") as port:
        for headers in ({}, {"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}):
            status, reply = get(port, "/connexion/", **headers)
            assert status == 301, headers  # plain HTTP stays plain HTTP: sent to https://
            assert reply["Location"] == "https://rmm.example.org/connexion/"
            assert "Strict-Transport-Security" not in reply  # only sent over HTTPS
        status, _headers = get(port, "/healthz")
        assert status == 200  # container probes speak plain HTTP


@real_clock_only
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db
def test_worker_health_check_pings_this_worker_through_the_broker(image):
    hostname = f"rmm-test-{os.getpid()}"
    command = [*SERVICES["worker"]["command"], "-n", f"celery@{hostname}"]
    worker = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=image,
        env=production_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    probe = SERVICES["worker"]["healthcheck"]["test"][1].replace("$$", "$")
    env = {
        **production_env(),
        "HOSTNAME": hostname,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    quick = probe.replace("--timeout 10", "--timeout 2")
    assert quick != probe
    try:
        for _attempt in range(15):  # until the worker is up
            if (
                subprocess.run(
                    ["sh", "-c", quick], cwd=image, env=env, capture_output=True
                ).returncode
                == 0
            ):
                break
        result = subprocess.run(
            ["sh", "-c", probe], cwd=image, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "pong" in result.stdout
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    result = subprocess.run(
        ["sh", "-c", quick], cwd=image, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0, "a stopped worker must be reported unhealthy"


@real_clock_only
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db
def test_beat_health_check_reads_the_heartbeat_of_the_compose_scheduler(image, tmp_path):
    command = [
        argument
        if not argument.startswith("--schedule=")
        else f"--schedule={tmp_path}/celerybeat-schedule"
        for argument in SERVICES["beat"]["command"]
    ]
    assert run_healthcheck("beat", RMM_VAR_DIR=str(tmp_path)).returncode == 1
    beat = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=image,
        env=production_env(RMM_VAR_DIR=str(tmp_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    heartbeat = tmp_path / "celerybeat-schedule.heartbeat"
    try:
        for _attempt in range(60):
            if heartbeat.exists():
                break
            time.sleep(0.5)
        assert heartbeat.exists(), "beat never ticked"
        result = run_healthcheck("beat", RMM_VAR_DIR=str(tmp_path))
        assert result.returncode == 0, result.stderr
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    # A beat that stopped ticking: its heartbeat ages and the check fails.
    stale = time.time() - 10 * 60
    os.utime(heartbeat, (stale, stale))
    result = run_healthcheck("beat", RMM_VAR_DIR=str(tmp_path))
    assert result.returncode == 1 and "last heartbeat" in result.stderr
