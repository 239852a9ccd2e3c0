"""The audit tables cannot be emptied either: on PostgreSQL a statement trigger refuses TRUNCATE
(row triggers, migration 0002, do not see it). Together with the application's database role,
which does not own the tables and holds neither UPDATE, DELETE nor TRUNCATE on them
(`manage.py grant_app_role`), the audit trail can only grow. SQLite (the `make run` demo) has no
TRUNCATE: there the audit is protected by the application only (AppendOnlyModel)."""

from django.db import migrations

TABLES = ["cases_casetransition", "cases_identityaccesslog"]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION rmm_refuse_audit_change();",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_append_only_audit")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
