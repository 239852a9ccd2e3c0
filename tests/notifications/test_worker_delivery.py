"""Exactly once, with real Celery workers on real Redis (issue 10, point 2): two sweeps at once,
a worker killed with SIGKILL in the middle of a batch, Redis down while cases are declared and
actions fall due. The workers are `celery worker` processes on the test database; their e-mails
land one file per message, and each must be there exactly once for every ledger row.

Select them with `pytest -k "sigkill or outage or concurrent_sweep"`."""

import importlib
import logging
import shutil
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from celery import Celery
from django.utils import timezone

from accounts.models import Role
from actions.models import CorrectiveAction
from cases.models import Case, CaseTransition
from cases.services.transitions import case_transition
from notifications.models import EmailState, Kind, Notification
from tests.conftest import missing_service, redis_url
from tests.factories import CaseFactory, member

from .worker import RedisServer, Worker, sent_messages, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SWEEP = "notifications.tasks.sweep_task"
DELIVER = "notifications.tasks.deliver_task"
ACTION = "actions.correctiveaction"


@pytest.fixture(autouse=True)
def reminder_rules():
    """The rules come from a data migration, which an earlier transactional test's flush may
    have emptied (the seed is idempotent)."""
    from django.apps import apps as django_apps

    importlib.import_module("notifications.migrations.0002_reminder_rules").seed(django_apps, None)


@pytest.fixture
def workers():
    """Every worker a test starts is stopped when it ends, passed or failed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of the test's own on a spare loopback port: stopping it never touches the
    machine's shared Redis."""
    if shutil.which("redis-server") is None:
        missing_service("needs the redis-server program to start a Redis of the test's own")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def client_app(url: str) -> Celery:
    """A client of the workers' broker, sending by task name (the test process's own app stays
    on the in-memory broker of the test settings)."""
    app = Celery("rmm-worker-test-client", broker=url, backend=url, set_as_current=False)
    app.conf.task_serializer = app.conf.result_serializer = "json"
    app.conf.broker_connection_retry_on_startup = True
    return app


@contextmanager
def broker_of_test_process(url: str):
    """Point the test process's own Celery app (the one the transitions' after-commit dispatch
    uses) at `url`, then back."""
    from rmm.celery import app

    saved = app.conf.broker_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = saved
        reset_pools()


def followed_actions(*, session, case, by, owners, count: int) -> list[CorrectiveAction]:
    """Approved actions, half overdue by 2 to 4 days (not yet escalated), half due within the
    week, each with a named owner: one reminder each."""
    today = timezone.localdate()
    created = CorrectiveAction.objects.bulk_create(
        CorrectiveAction(
            session=session,
            created_by=by,
            what_changes=f"Changement {index}",
            barrier="prevention",
            nature="organisation",
            owner_organisation=case.organisation,
            owner_function="Pharmacie",
            owner_person=owners[index % len(owners)],
            due_date=today - timedelta(days=2 + index % 3)
            if index % 2
            else today + timedelta(days=1 + index % 5),
            indicator="Audit",
            indicator_check_date=today + timedelta(days=90),
            status="approved",
        )
        for index in range(count)
    )
    through = CorrectiveAction.cases.through
    through.objects.bulk_create(
        through(correctiveaction_id=action.pk, case_id=case.pk) for action in created
    )
    return created


def owners(maternity, count: int):
    return [
        member(Role.CLINICIAN, maternity, email=f"pilote{number}@nord.test")
        for number in range(count)
    ]


def all_sent() -> bool:
    states = set(Notification.objects.values_list("email", flat=True))
    return states == {EmailState.SENT}


def idle(queue_url: str, queue: str, worker: Worker) -> bool:
    """Nothing left in the queue and every task the worker received has finished (checked
    twice, a moment apart, so that a message being taken is not missed)."""
    client = redis.Redis.from_url(queue_url)

    def settled():
        finished = sum(worker.tasks(name, "succeeded") for name in (SWEEP, DELIVER))
        received = sum(worker.tasks(name, "received") for name in (SWEEP, DELIVER))
        return client.llen(queue) == 0 and finished == received

    if not settled():
        return False
    time.sleep(0.3)
    return settled()


def assert_each_e_mail_sent_exactly_once(mail_dir) -> list[Notification]:
    """One message per ledger row, to its recipient; none without a row, none twice."""
    rows = list(Notification.objects.select_related("recipient"))
    assert {row.email for row in rows} == {EmailState.SENT}
    expected = Counter({(row.recipient.email, row.pk): 1 for row in rows})
    sent = sent_messages(mail_dir)
    duplicated = {key: times for key, times in sent.items() if times > 1}
    assert not duplicated, f"sent more than once: {duplicated}"
    assert sent == expected
    return rows


def test_concurrent_sweep_two_sweeps_at_once_send_each_reminder_once(
    tmp_path, maternity, session, ready_case, secretary, workers
):
    """Two sweep tasks taken at the same moment by the two processes of a prefork worker (on
    the shared Redis, a queue of the test's own): both record the same reminders and both
    queue every e-mail; the ledger's constraint and the claim leave one message per reminder."""
    url = redis_url()
    queue = f"rmm-test-{uuid.uuid4().hex}"
    count = 200
    followed_actions(
        session=session, case=ready_case, by=secretary, owners=owners(maternity, 5), count=count
    )
    client = client_app(url)
    try:
        # Both sweeps wait in the queue before the worker starts: its two processes take one
        # each at once (prefetch 1 per process).
        client.send_task(SWEEP, queue=queue)
        client.send_task(SWEEP, queue=queue)
        worker = Worker(tmp_path, redis_url=url, queue=queue, name="pair")
        workers.append(worker.start(pool="prefork", concurrency=2))
        logs = [worker.log]
        wait_for(
            lambda: worker.tasks(SWEEP, "succeeded") == 2, timeout=60, what="two sweeps", logs=logs
        )
        wait_for(all_sent, timeout=60, what="every e-mail sent", logs=logs)
        wait_for(lambda: idle(url, queue, worker), timeout=30, what="the worker idle", logs=logs)
        rows = assert_each_e_mail_sent_exactly_once(tmp_path / "mail")
        reminders = [row for row in rows if row.subject_type == ACTION]
        assert len(reminders) == count
        assert {row.kind for row in reminders} == {Kind.ACTION_DUE, Kind.ACTION_OVERDUE}
        [first, second] = worker.runs(SWEEP)
        assert first[0] < second[1] and second[0] < first[1], "the two sweeps did not overlap"
        # Both sweeps queued every e-mail (the second found them claimed or sent).
        assert worker.tasks(DELIVER, "succeeded") > (count + 49) // 50

        # A third sweep finds everything recorded and sent: no row, no message more.
        client.send_task(SWEEP, queue=queue)
        wait_for(lambda: worker.tasks(SWEEP, "succeeded") == 3, timeout=30, what="third sweep")
        wait_for(lambda: idle(url, queue, worker), timeout=30, what="the worker idle", logs=logs)
        assert_each_e_mail_sent_exactly_once(tmp_path / "mail")
        assert len(rows) == Notification.objects.count()
    finally:
        client.close()


def test_sigkill_mid_batch_then_new_worker_loses_nothing_and_duplicates_nothing(
    tmp_path, settings, own_redis, maternity, session, ready_case, secretary, workers
):
    """A worker killed with SIGKILL while it sends a batch (an e-mail claimed, not yet written),
    then a new worker: once the lease has passed, the next sweep takes up the claimed e-mail and
    the rest of the batch. Every e-mail arrives once.

    The kill lands while the slow mail backend waits before writing. One window cannot be
    closed by any design: a worker killed after the mail server accepted a message but before
    the ledger says 'sent' sends it again after the lease (at least once, not at most once, on
    that instant). The test waits for the claimed-not-written state, never that instant."""
    settings.RMM_NOTIFICATION_LEASE_SECONDS = 2
    queue = f"rmm-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    count = 60  # two delivery batches (50 + 10)
    followed_actions(
        session=session, case=ready_case, by=secretary, owners=owners(maternity, 3), count=count
    )
    client = client_app(own_redis.url)
    try:
        first = Worker(
            tmp_path, redis_url=own_redis.url, queue=queue, name="killed", RMM_TEST_MAIL_DELAY="0.2"
        )
        workers.append(first.start(pool="solo"))
        client.send_task(SWEEP, queue=queue)

        def claimed_not_written():
            written = {pk for _to, pk in sent_messages(mail_dir)}
            if len(written) < 10:
                return None
            sending = list(
                Notification.objects.filter(email=EmailState.SENDING).values_list("pk", flat=True)
            )
            return [pk for pk in sending if pk not in written]

        [claimed] = wait_for(
            claimed_not_written,
            timeout=60,
            what="ten e-mails sent, the next one claimed",
            interval=0.02,
            logs=[first.log],
        )
        first.kill()

        sent_before = sent_messages(mail_dir)
        assert Notification.objects.get(pk=claimed).email == EmailState.SENDING
        assert Notification.objects.filter(email=EmailState.SENT).count() == len(sent_before)
        assert Notification.objects.filter(email=EmailState.PENDING).exists()  # mid-batch
        assert len(sent_before) < 50

        second = Worker(tmp_path, redis_url=own_redis.url, queue=queue, name="after")
        workers.append(second.start(pool="solo"))
        claimed_at = Notification.objects.get(pk=claimed).email_claimed_at
        lease = timedelta(seconds=settings.RMM_NOTIFICATION_LEASE_SECONDS)
        wait_for(lambda: timezone.now() > claimed_at + lease, timeout=10, what="the lease")
        client.send_task(SWEEP, queue=queue)  # what beat does every few minutes
        logs = [first.log, second.log]
        wait_for(all_sent, timeout=60, what="every e-mail sent", logs=logs)
        wait_for(
            lambda: idle(own_redis.url, queue, second), timeout=30, what="worker idle", logs=logs
        )
        rows = assert_each_e_mail_sent_exactly_once(mail_dir)
        assert len([row for row in rows if row.subject_type == ACTION]) == count
        # The e-mail claimed by the dead worker was claimed once more, and sent once.
        assert Notification.objects.get(pk=claimed).email_attempts == 2
    finally:
        client.close()


def test_outage_redis_down_while_cases_declared_and_actions_fall_due_every_e_mail_once(
    tmp_path,
    own_redis,
    maternity,
    clinician,
    coordinator,
    session,
    ready_case,
    secretary,
    workers,
    caplog,
):
    """Redis stops under a running worker. Cases are declared (their e-mails cannot be queued:
    the transitions still commit, nothing raises) and actions fall due. Redis comes back on the
    same port, the worker reconnects, the next sweep sends every event and every reminder,
    each once."""
    queue = f"rmm-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    client = client_app(own_redis.url)
    try:
        worker = Worker(tmp_path, redis_url=own_redis.url, queue=queue, name="outage")
        workers.append(worker.start(pool="solo"))
        logs = [worker.log]
        assert client.send_task("rmm.ping", queue=queue).get(timeout=60) == "pong"

        own_redis.stop()
        declared = [
            CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
            for _ in range(3)
        ]
        with broker_of_test_process(own_redis.url), caplog.at_level(logging.WARNING):
            for case in declared:
                case_transition(
                    case_id=case.pk, name="declare", by=clinician, expected_status="draft"
                )
        actions = followed_actions(
            session=session, case=ready_case, by=secretary, owners=[clinician], count=6
        )
        # The transitions committed; their e-mails wait in the ledger.
        assert set(
            Case.objects.filter(pk__in=[c.pk for c in declared]).values_list("status", flat=True)
        ) == {"declared"}
        assert CaseTransition.objects.filter(case__in=declared, target="declared").count() == 3
        events = Notification.objects.filter(kind=Kind.CASE_DECLARED)
        assert {(n.recipient_id, n.email) for n in events} == {(coordinator.pk, EmailState.PENDING)}
        assert events.count() == 3
        unreachable = [r for r in caplog.records if "broker unreachable" in r.getMessage()]
        assert len(unreachable) == 3  # each dispatch was tried, and failed quietly
        assert not list(mail_dir.glob("*.eml"))

        # The worker saw the broker go (it keeps trying to reconnect, it does not exit).
        wait_for(
            lambda: "Cannot connect to redis" in worker.log.read_text(errors="replace"),
            timeout=30,
            what="the worker to notice the outage",
            logs=logs,
        )
        assert worker.process.poll() is None
        own_redis.start()  # same port, empty (no persistence): nothing was queued
        client.send_task(SWEEP, queue=queue)
        wait_for(all_sent, timeout=60, what="every e-mail sent after the outage", logs=logs)
        wait_for(lambda: idle(own_redis.url, queue, worker), timeout=30, what="idle", logs=logs)
        rows = assert_each_e_mail_sent_exactly_once(mail_dir)
        reminded = {row.subject_id for row in rows if row.subject_type == ACTION}
        assert reminded == {action.pk for action in actions}
        assert {row.subject_id for row in rows if row.kind == Kind.CASE_DECLARED} == {
            case.pk for case in declared
        }
    finally:
        client.close()
