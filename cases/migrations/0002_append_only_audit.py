"""On PostgreSQL (production, CI, docker compose) the database itself refuses UPDATE and DELETE
on the audit tables: transition records and the identity access log. SQLite, used only by the
demo, relies on the model-level guard (AppendOnlyModel): its test runner empties tables with
DELETE, which a trigger there would block."""

from django.db import migrations

TABLES = ["cases_casetransition", "cases_identityaccesslog"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION rmm_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'RMM audit table % is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rmm_refuse_audit_change();",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
