"""Celery beat's scheduler, with a heartbeat a container health check can read.

Beat has no health endpoint and its schedule file is only rewritten when a task is sent, so an
idle beat and a hung one look alike. This scheduler touches `<schedule file>.heartbeat` at every
tick and never sleeps longer than HEARTBEAT_SECONDS: a file older than a few of those means beat
no longer runs (`docker/healthcheck.py beat`)."""

from pathlib import Path

from celery.beat import PersistentScheduler

HEARTBEAT_SECONDS = 30


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        Path(f"{self.schedule_filename}.heartbeat").touch()
        return min(interval, HEARTBEAT_SECONDS)
