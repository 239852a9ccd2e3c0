"""The audit cannot be emptied: on PostgreSQL the tables' owner is refused TRUNCATE by a
trigger, and the application's role (which does not own the tables) can neither truncate,
rewrite, delete nor disable the triggers. Everything here runs inside the test's transaction
(roles and grants included), so nothing outlives the test."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AUDIT_TABLES = [
    "cases_casetransition",
    "cases_identityaccesslog",
    "committees_sessiontransition",
    "accounts_securityevent",
    "actions_actiontransition",
]
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


def test_compose_init_script_creates_a_login_role_that_is_not_superuser(tmp_path):
    """docker/postgres-init/10-app-role.sh, run as the postgres image runs it (psql with the
    POSTGRES_* variables), against this machine's PostgreSQL; the role is dropped after."""
    import os
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docker/postgres-init/10-app-role.sh"
    role = f"rmm_app_init_test_{os.getpid()}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": database["HOST"] or "127.0.0.1",
        "PGPORT": str(database["PORT"] or 5432),
        "POSTGRES_USER": database["USER"],
        "POSTGRES_DB": "postgres",
        "RMM_APP_DB_ROLE": role,
        "RMM_APP_DB_PASSWORD": "it's a 'quoted' secret",
    }
    try:
        subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True, timeout=30)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s",
                [role],
            )
            assert cursor.fetchone() == (True, False, False)
    finally:
        subprocess.run(
            ["psql", "-q", "-d", "postgres", "-c", f"DROP ROLE IF EXISTS {role}"],
            env=env,
            check=False,
            capture_output=True,
        )
