"""Tasks run in a real Celery worker process (never eager): once on the filesystem broker that
`make run` uses without Redis, once on the real Redis of CI."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from accounts.tasks import clear_expired_sessions_task

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def running_worker(env: dict[str, str], queue: str = "celery"):
    clean_env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "rmm",
            "worker",
            f"--queues={queue}",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "rmm.settings.local", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def client_app(broker: str, backend: str, transport_options: dict) -> Celery:
    app = Celery("rmm-test-client", broker=broker, backend=backend)
    app.conf.broker_transport_options = transport_options
    app.conf.task_serializer = app.conf.result_serializer = "json"
    return app


def test_filesystem_broker_runs_tasks_in_a_real_worker(tmp_path):
    var_dir = tmp_path / "var"
    env = {"RMM_VAR_DIR": str(var_dir)}
    broker_dir = var_dir / "broker"
    for folder in ("broker", "broker-control", "celery-results"):
        (var_dir / folder).mkdir(parents=True)
    with running_worker(env) as worker:
        app = client_app(
            "filesystem://",
            f"file://{var_dir / 'celery-results'}",
            {
                "data_folder_in": str(broker_dir),
                "data_folder_out": str(broker_dir),
                "control_folder": str(var_dir / "broker-control"),
            },
        )
        result = app.send_task("rmm.ping")
        try:
            assert result.get(timeout=60) == "pong"
        except Exception:
            worker.terminate()
            pytest.fail(worker.communicate(timeout=15)[0])


@pytest.mark.redis
def test_redis_broker_runs_tasks_in_a_real_worker(tmp_path):
    from tests.conftest import redis_url

    url = redis_url()
    # A queue of its own: tasks other tests left on the shared Redis never stand in its way.
    queue = f"rmm-ping-{uuid.uuid4().hex}"
    with running_worker({"REDIS_URL": url, "RMM_VAR_DIR": str(tmp_path / "var")}, queue) as worker:
        result = client_app(url, url, {}).send_task("rmm.ping", queue=queue)
        try:
            assert result.get(timeout=60) == "pong"
        except Exception:
            worker.terminate()
            pytest.fail(worker.communicate(timeout=15)[0])


def test_beat_schedule_names_registered_tasks():
    from rmm.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry


def test_task_settings_are_not_eager():
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


@pytest.mark.django_db
def test_clear_expired_sessions_task_deletes_only_expired_sessions(client, clinician):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(clinician)
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - timedelta(1)
    )
    assert clear_expired_sessions_task() == 1
    assert Session.objects.count() == 1
