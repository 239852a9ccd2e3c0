"""`make run` pieces: idempotent demo data, and the launcher that starts web, worker and beat
and stops all of them on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import ACCOUNTS, DEMO_PASSWORD
from accounts.models import Membership, Organisation, Role, User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_has_one_login_per_role(settings):
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert {role for *_rest, role, _org in ACCOUNTS} == set(Role.values)
    for email, *_rest in ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_data_never_resets_a_changed_password(settings):
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    user = User.objects.get(email=ACCOUNTS[0][0])
    user.set_password("Mon-propre-mdp-2026")
    user.save()
    call_command("load_demo")
    user.refresh_from_db()
    assert user.check_password("Mon-propre-mdp-2026")


@pytest.mark.django_db
def test_demo_data_refuses_outside_debug(settings):
    settings.RMM_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="mode local"):
        call_command("load_demo")
    assert not Organisation.objects.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> set[int]:
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.add(int(proc.name))
    return found


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["terminal", "sigint-ignored"])
def test_launcher_starts_web_worker_and_beat_and_ctrl_c_stops_them_all(tmp_path, sigint_ignored):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PORT=str(port),
        RMM_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="rmm.settings.local",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    launcher = subprocess.Popen(
        [sys.executable, "-m", "rmm.devserver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # As when started in the background of a shell script: SIGINT ignored, inherited.
        preexec_fn=ignore_sigint if sigint_ignored else None,
    )
    try:
        banner = ""
        while "Ctrl-C" not in banner:
            banner += launcher.stdout.readline()
        for _line in range(len(ACCOUNTS) + 1):
            banner += launcher.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in banner
        for email, *_rest in ACCOUNTS:
            assert email in banner
        children = child_pids(launcher.pid)
        assert len(children) == 3  # runserver, celery worker, celery beat
        health = None
        for _attempt in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                    health = reply.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert health is not None and '"broker": "ok"' in health
    finally:
        stopped_at = time.monotonic()
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=5)
        finally:
            if launcher.poll() is None:  # the assertion below fails; leave nothing running
                launcher.kill()
    assert "Arrêt de RMM" in launcher.stdout.read()
    # Within 5 seconds of Ctrl-C, the launcher and every process it started are gone.
    assert time.monotonic() - stopped_at < 5
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
