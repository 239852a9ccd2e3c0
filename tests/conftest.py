"""Shared fixtures: an organisation world (two networks, each with a maternity) and one user per
role, named after the role. Tests marked `postgres` or `redis` need the real service: they skip
when it is absent, except under RMM_REQUIRE_SERVICES=1 (CI), where they fail."""

import importlib
import os

import pytest
import redis as redis_lib
from django.conf import settings
from django.db import connection

from accounts.models import Role

from .factories import MaternityFactory, NetworkFactory, member

REQUIRE_SERVICES = os.environ.get("RMM_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (RMM_REQUIRE_SERVICES=1: required service missing)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_marked_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis"):
        redis_url()


def redis_url() -> str:
    """The test Redis URL, after checking that the server answers."""
    url = settings.REDIS_URL
    if not url:
        missing_service("needs Redis: set REDIS_URL=redis://...")
    try:
        redis_lib.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis_lib.RedisError as exc:
        missing_service(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture(autouse=True)
def _test_clock():
    """RMM_TEST_CLOCK=2027-01-02 runs every test as if it were that day (the clock still ticks):
    tests must keep their meaning whatever the date (case codes carry the year, a session is
    "two years ahead" at most, a birth cannot be in the future...). CI runs the suite this way
    too."""
    moment = os.environ.get("RMM_TEST_CLOCK")
    if not moment:
        yield
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _flush_past_audit_triggers():
    """Transactional tests (browser journeys, concurrency) are cleaned up with TRUNCATE, which
    the audit tables refuse, as they must in production. The test runner connects as a
    PostgreSQL superuser: for its own flush only, it runs in replica mode, where ordinary
    triggers do not fire (a role that is not superuser cannot set this)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The review taxonomies and the reminder rules come from data migrations; a transactional
    test (browser journeys, concurrency, workers) empties every table when it ends, so put them
    back for the tests that follow. The seeds are idempotent (rows matched by code or kind)."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps as django_apps

    from committees.models import IcdPmGroup

    if not IcdPmGroup.objects.exists():
        importlib.import_module("committees.migrations.0002_seed_reference_data").seed(
            django_apps, None
        )
        importlib.import_module(
            "committees.migrations.0004_reference_labels_in_english"
        ).add_english(django_apps, None)
    from notifications.models import ReminderRule

    if not ReminderRule.objects.exists():
        importlib.import_module("notifications.migrations.0002_reminder_rules").seed(
            django_apps, None
        )


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded evidence and stored minutes PDFs go to a folder of this run, never to the
    working tree's var/media (a test that forgets its own MEDIA_ROOT leaves no file behind)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_axes_state(settings):
    """Lockouts counted by one test must not leak into the next."""
    settings.AXES_ENABLED = True


@pytest.fixture
def network(db):
    return NetworkFactory(name="Réseau Nord")


@pytest.fixture
def maternity(network):
    return MaternityFactory(name="Maternité Nord", parent=network)


@pytest.fixture
def other_network(db):
    return NetworkFactory(name="Réseau Sud")


@pytest.fixture
def other_maternity(other_network):
    return MaternityFactory(name="Maternité Sud", parent=other_network)


@pytest.fixture
def clinician(maternity):
    return member(Role.CLINICIAN, maternity, email="clinicien@nord.test", full_name="Clara Clin")


@pytest.fixture
def coordinator(maternity):
    return member(Role.COORDINATOR, maternity, email="referent@nord.test", full_name="Rémi Ref")


@pytest.fixture
def committee(network):
    """The network's review committee (covers the network and its maternities)."""
    from committees.models import Committee

    return Committee.objects.create(name="Comité RMM Nord", organisation=network, quorum=2)


def committee_person(committee, role: str, committee_role: str, charter=True, **user_fields):
    from committees.models import CharterAcceptance, CommitteeMember

    user = member(role, committee.organisation, **user_fields)
    CommitteeMember.objects.create(committee=committee, user=user, role=committee_role)
    if charter:
        CharterAcceptance.objects.create(committee=committee, user=user)
    return user


@pytest.fixture
def committee_member(committee):
    return committee_person(
        committee, Role.COMMITTEE_MEMBER, "member", email="membre@nord.test", full_name="Mia Mem"
    )


@pytest.fixture
def chair(committee):
    return committee_person(
        committee, Role.COMMITTEE_CHAIR, "chair", email="president@nord.test", full_name="Pia Pres"
    )


@pytest.fixture
def secretary(committee):
    return committee_person(
        committee,
        Role.COMMITTEE_SECRETARY,
        "secretary",
        email="secretaire@nord.test",
        full_name="Sam Sec",
    )


@pytest.fixture
def quality_manager(maternity):
    return member(Role.QUALITY_MANAGER, maternity, email="qualite@nord.test", full_name="Quy Qual")


@pytest.fixture
def administrator(network):
    return member(Role.ADMINISTRATOR, network, email="admin@nord.test", full_name="Ada Admin")


@pytest.fixture
def observer(network):
    """A territorial observer of the network (an epidemiologist): aggregates only."""
    return member(Role.OBSERVER, network, email="observateur@nord.test", full_name="Olga Obs")


@pytest.fixture
def outsider(other_maternity):
    """A clinician of another network: must never see anything of the first one."""
    return member(Role.CLINICIAN, other_maternity, email="clinicien@sud.test", full_name="Oto Out")


@pytest.fixture
def other_administrator(other_network):
    return member(Role.ADMINISTRATOR, other_network, email="admin@sud.test", full_name="Oda Adm")


@pytest.fixture
def every_role(
    clinician,
    coordinator,
    committee_member,
    chair,
    secretary,
    quality_manager,
    administrator,
    observer,
):
    return {
        Role.CLINICIAN: clinician,
        Role.COORDINATOR: coordinator,
        Role.COMMITTEE_MEMBER: committee_member,
        Role.COMMITTEE_CHAIR: chair,
        Role.COMMITTEE_SECRETARY: secretary,
        Role.QUALITY_MANAGER: quality_manager,
        Role.ADMINISTRATOR: administrator,
        Role.OBSERVER: observer,
    }
