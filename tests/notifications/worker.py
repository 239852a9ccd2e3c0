"""What the real-worker tests need: a Redis server of their own, Celery worker processes on the
test database, an e-mail backend that leaves one file per message (optionally slowly), and
polling with a deadline (never a bare sleep as the only synchronisation)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parents[2]


class FileMailBackend(BaseEmailBackend):
    """One file per message, renamed into place (a killed worker never leaves half a message).
    RMM_TEST_MAIL_DELAY seconds pass before each message is written, as a slow SMTP server."""

    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            time.sleep(settings.RMM_TEST_MAIL_DELAY)
            name = f"{os.getpid()}-{uuid.uuid4().hex}"
            partial = folder / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{name}.eml")
        return len(email_messages)


def sent_messages(folder: Path) -> Counter:
    """{(recipient address, notification id): number of messages} of what reached the folder."""
    found: Counter = Counter()
    for path in folder.glob("*.eml"):
        message = message_from_bytes(path.read_bytes())
        message_id = message["Message-ID"]  # <rmm-notification-{pk}@domain>
        pk = int(message_id.split("@")[0].removeprefix("<rmm-notification-"))
        found[(message["To"], pk)] += 1
    return found


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.05, logs=()):
    """Poll `condition` until it returns something true; fail with the workers' logs if not."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log}:\n{tail(log)}" for log in logs)
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tails}")
        time.sleep(interval)


def tail(path: Path, lines: int = 40) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a spare loopback port, without persistence (the
    machine's shared Redis is never stopped)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def database_url(database: dict) -> str:
    """The URL of the database the test process uses (the test database, not the configured
    one): the worker reads and writes the same rows."""
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


class Worker:
    """A `celery worker` process on the test database and the given Redis and queue, in its own
    process group (a prefork pool's children are stopped with it)."""

    def __init__(self, folder: Path, *, redis_url: str, queue: str, name: str, **env: str):
        from django.db import connection
        from django.utils import timezone

        self.log = folder / f"worker-{name}.log"
        self.env = {
            **{key: value for key, value in os.environ.items() if key != "RMM_TEST_CLOCK"},
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": redis_url,
            "RMM_TEST_QUEUE": queue,
            "RMM_VAR_DIR": str(folder / "var"),
            "RMM_TEST_MAIL_DIR": str(folder / "mail"),
            "RMM_NOTIFICATION_LEASE_SECONDS": str(settings.RMM_NOTIFICATION_LEASE_SECONDS),
            **env,
        }
        if os.environ.get("RMM_TEST_CLOCK"):
            # An offset, not a date: the worker's clock starts when it has booted, and must
            # then read what the test's clock reads.
            import time_machine

            offset = timezone.now().timestamp() - time_machine.escape_hatch.time.time()
            self.env["RMM_WORKER_CLOCK_OFFSET"] = str(offset)
        self.name = name
        self.process: subprocess.Popen | None = None

    def start(self, *, pool: str = "solo", concurrency: int = 1) -> "Worker":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rmm",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                f"--hostname={self.name}-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing written on the way out."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tasks(self, name: str, event: str) -> int:
        """How many tasks named `name` the log shows 'received' or 'succeeded'."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(
            1 for line in text.splitlines() if f"Task {name}[" in line and f"] {event}" in line
        )

    def runs(self, name: str) -> list[tuple[datetime, datetime]]:
        """(start, end) of each finished task named `name`, from the log's 'succeeded in' lines."""
        pattern = re.compile(
            rf"^\[(?P<at>[0-9-]+ [0-9:,]+): .*Task {re.escape(name)}\[.*\] succeeded in "
            r"(?P<seconds>[0-9.e-]+)s"
        )
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if match := pattern.match(line):
                end = datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f")
                found.append((end - timedelta(seconds=float(match["seconds"])), end))
        return sorted(found)
