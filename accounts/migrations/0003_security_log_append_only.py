"""On PostgreSQL the database itself refuses UPDATE, DELETE and TRUNCATE on the security log,
even from the tables' owner (the application's role owns nothing: `manage.py grant_app_role`).
The test runner empties tables after transactional tests in replica mode, where triggers do not
fire (tests/conftest.py; only a superuser may do that). SQLite (demo only) relies on the
model-level guard (SecurityEvent and its queryset refuse changes)."""

from django.db import migrations

TABLE = "accounts_securityevent"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION rmm_refuse_security_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'RMM security log % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FUNCTION, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION rmm_refuse_security_log_change();",
        params=None,
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION rmm_refuse_security_log_change();",
        params=None,
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only_truncate ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_log_and_vault_role_grants")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
