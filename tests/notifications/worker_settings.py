"""Settings of the real Celery workers started by tests/notifications/test_worker_delivery.py:
the test settings (same test key, same database as the test process through DATABASE_URL), on
the Redis and the queue the test gives, sending e-mails into files the test counts."""

import os

from rmm.settings.test import *  # noqa: F403

CELERY_BROKER_URL = CELERY_RESULT_BACKEND = os.environ["REDIS_URL"]
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# A queue of the test's own: a worker of another test run on the same Redis never takes its
# tasks, and the tasks this worker queues itself (deliveries, retries) stay on it.
CELERY_TASK_DEFAULT_QUEUE = os.environ["RMM_TEST_QUEUE"]

EMAIL_BACKEND = "tests.notifications.worker.FileMailBackend"
EMAIL_FILE_PATH = os.environ["RMM_TEST_MAIL_DIR"]
RMM_TEST_MAIL_DELAY = float(os.environ.get("RMM_TEST_MAIL_DELAY", "0"))

# Under RMM_TEST_CLOCK the test process runs at another date: the worker runs at the same moment
# (the test hands it its clock's offset), or its sweep and its lease would disagree with the test.
if os.environ.get("RMM_WORKER_CLOCK_OFFSET"):
    import time

    import time_machine

    _moment = time.time() + float(os.environ["RMM_WORKER_CLOCK_OFFSET"])
    time_machine.travel(_moment, tick=True).start()
