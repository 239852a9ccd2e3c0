"""The audit cannot be emptied: on PostgreSQL the tables' owner is refused TRUNCATE by a
trigger, and the application's role (which does not own the tables) can neither truncate,
rewrite, delete nor disable the triggers. Everything here runs inside the test's transaction
(roles and grants included), so nothing outlives the test."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AUDIT_TABLES = ["cases_casetransition", "cases_identityaccesslog"]
APP_ROLE = "rmm_app_audit_test"


def refused(sql: str) -> str:
    """Run `sql` in a savepoint and return the database's refusal ('' if it was accepted)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:
        return str(error)
    return ""


@pytest.fixture
def app_role():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    call_command("grant_app_role", APP_ROLE)
    return APP_ROLE


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_even_the_owner_cannot_truncate_an_audit_table(table):
    assert "append-only" in refused(f"TRUNCATE {table}")
    assert "append-only" in refused(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_application_role_can_only_add_to_the_audit(app_role, table):
    def has(privilege: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app_role, table, privilege])
            return cursor.fetchone()[0]

    assert has("SELECT") and has("INSERT")
    assert not has("UPDATE")
    assert not has("DELETE")
    assert not has("TRUNCATE")

    as_app = f"SET LOCAL ROLE {app_role}; "
    assert "permission denied" in refused(as_app + f"TRUNCATE {table}")
    assert "permission denied" in refused(as_app + f"DELETE FROM {table}")
    assert "permission denied" in refused(as_app + f"UPDATE {table} SET id = id")
    assert "must be owner" in refused(as_app + f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert "must be owner" in refused(as_app + f"DROP TABLE {table}")


def test_the_application_role_works_with_ordinary_tables(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'cases_case', 'UPDATE'), "
            "has_table_privilege(%s, 'cases_case', 'DELETE'), "
            "has_table_privilege(%s, 'cases_case', 'TRUNCATE')",
            [app_role, app_role, app_role],
        )
        assert cursor.fetchone() == (True, True, False)
    assert refused(f"SET LOCAL ROLE {app_role}; SELECT count(*) FROM cases_case") == ""


def test_grant_app_role_refuses_a_superuser_or_a_missing_role():
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", "postgres")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "rmm_no_such_role")
    with pytest.raises(CommandError, match="Invalid role name"):
        call_command("grant_app_role", "x; DROP TABLE cases_case")
