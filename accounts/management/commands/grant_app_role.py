"""Give the application's PostgreSQL role what it needs to serve RMM, and nothing more.

In production two database roles are used: the owner of the tables runs `migrate` (and this
command, right after it); the application (web, worker, beat) connects with another role that
does not own the tables, so it can neither drop nor alter them, nor disable a trigger. This
command grants that role reading and writing on every table, then takes back what would let it
rewrite history: TRUNCATE everywhere, UPDATE and DELETE on the append-only audit tables (those
protected by an `..._append_only` trigger). Run it again after each `migrate`: new tables are
not covered until it is.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

AUDIT_TABLES_SQL = """
SELECT DISTINCT c.relname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal
  AND t.tgname LIKE %s
  AND n.nspname = current_schema()
ORDER BY c.relname
"""


class Command(BaseCommand):
    help = (
        "Grants the application's PostgreSQL role read/write access to RMM's tables, without "
        "TRUNCATE, and without UPDATE/DELETE on the audit tables. Run as the tables' owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects with, e.g. rmm_app")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role needs PostgreSQL (SQLite has no roles).")
        if not ROLE_NAME.match(role):
            raise CommandError(f"Invalid role name: {role!r}.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"Role {role} does not exist: create it first "
                    f"(CREATE ROLE {role} LOGIN PASSWORD '...')."
                )
            if row[0]:
                raise CommandError(f"Role {role} is a superuser: it would bypass every trigger.")
            cursor.execute("SELECT current_user, current_schema()")
            owner, schema = cursor.fetchone()
            if owner == role:
                raise CommandError(f"Role {role} is the one running migrations (the owner).")
            quoted = connection.ops.quote_name(role)
            quoted_schema = connection.ops.quote_name(schema)
            cursor.execute(f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted_schema} "
                f"TO {quoted}"
            )
            cursor.execute(
                f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {quoted_schema} "
                f"FROM {quoted}"
            )
            cursor.execute(
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {quoted}"
            )
            cursor.execute(AUDIT_TABLES_SQL, ["%\\_append\\_only%"])
            audit_tables = [name for (name,) in cursor.fetchall()]
            for table in audit_tables:
                cursor.execute(
                    f"REVOKE UPDATE, DELETE ON {connection.ops.quote_name(table)} FROM {quoted}"
                )
        self.stdout.write(
            f"{role}: read/write on the tables of schema {schema}, no TRUNCATE; "
            f"append-only (no UPDATE/DELETE): {', '.join(audit_tables) or 'none found'}."
        )
