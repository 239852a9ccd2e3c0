"""The demo's SQLite database (`make run`): two requests that read then write at once, as two
people cancelling the same session, wait for each other; neither fails with "database is
locked" (an HTTP 500), which SQLite's default deferred transactions gave."""

import threading
import time

import pytest
from django.db import connections, transaction

from rmm.settings.base import SQLITE_OPTIONS


@pytest.fixture
def sqlite_alias(tmp_path, django_db_blocker):
    """A database alias on a file of its own, with the given OPTIONS (removed afterwards)."""
    made = []

    def make(options) -> str:
        alias = f"sqlite_concurrency_{len(made)}"
        connections.settings[alias] = {
            **connections.settings["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / f"{alias}.sqlite3"),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "TEST": {},
        }
        made.append(alias)
        return alias

    with django_db_blocker.unblock():
        yield make
        for alias in made:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def read_then_write_at_once(alias) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE seance (id INTEGER PRIMARY KEY, statut TEXT)")
        cursor.execute("INSERT INTO seance VALUES (1, 'planned')")
    errors = []

    def cancel():
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT statut FROM seance WHERE id = 1")
                time.sleep(0.3)  # the other request reads meanwhile
                cursor.execute("UPDATE seance SET statut = 'cancelled' WHERE id = 1")
        except Exception as error:
            errors.append(str(error))
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_two_writers_wait_for_each_other(sqlite_alias):
    assert read_then_write_at_once(sqlite_alias(SQLITE_OPTIONS)) == []


def test_without_these_options_one_of_them_fails(sqlite_alias):
    # What the options prevent (so that the test above keeps its meaning).
    errors = read_then_write_at_once(sqlite_alias({}))
    assert errors and "locked" in errors[0]
