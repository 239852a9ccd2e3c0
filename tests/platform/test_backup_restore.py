"""Backups that restore, on the real PostgreSQL: a database with identity vaults (the demo data,
migrated and loaded as on a server), docker/backup.sh, docker/restore.sh into a new database,
then Django under the production settings on the restored database reads every vault back
with the same key, the audit tables still refuse UPDATE, DELETE and TRUNCATE, and the backup
holds neither the key nor a readable identity. The databases are dropped at the end."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.platform.conftest import real_clock_only

pytestmark = [pytest.mark.postgres, real_clock_only]

ROOT = Path(__file__).resolve().parents[2]
KEY = "YmFja3VwLXRlc3Qta2V5LW5vdC1zZWNyZXQtMzJieXQ="
OTHER_KEY = "b3RoZXIta2V5LXRoYXQtaXMtbm90LXRoZS1yaWdodC0="
AUDIT_TABLES = [
    "cases_casetransition",
    "cases_identityaccesslog",
    "committees_sessiontransition",
    "accounts_securityevent",
    "actions_actiontransition",
]

# Reads every vault through the ORM (decrypting with the configured key) as JSON.
READ_VAULTS = """
import json
from cases.models import IdentityVault
rows = {}
for vault in IdentityVault.objects.select_related("case").order_by("case__code"):
    rows[vault.case.code] = {
        name: str(getattr(vault, name)) for name in IdentityVault.ENCRYPTED_FIELDS
    }
print(json.dumps(rows))
"""

# Every case's declarant opens its vault once, through the service: the access log has rows.
OPEN_VAULTS = """
from cases.models import Case
from cases.services.cases import identity_for_display
for case in Case.objects.select_related("declared_by"):
    identity_for_display(case=case, by=case.declared_by)
"""


def server() -> dict:
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"],
    }


def url(name: str) -> str:
    where = server()
    return f"postgres://{where['user']}@{where['host']}:{where['port']}/{name}"


def admin_sql(sql: str) -> None:
    where = server()
    with psycopg.connect(
        host=where["host"], port=where["port"], user=where["user"], dbname="postgres"
    ) as connection:
        connection.autocommit = True
        connection.execute(sql)


def manage(*args: str, database: str, production: bool = True, key: str = KEY, **extra_env):
    env = {
        **{
            name: value
            for name, value in os.environ.items()
            # Without REDIS_URL: the demo's notifications must not be queued on the test run's
            # Redis, where a worker of another test would find them.
            if name not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"}
        },
        "DATABASE_URL": url(database),
        "RMM_FIELD_ENCRYPTION_KEY": key,
        **extra_env,
    }
    if production:
        env.update(
            DJANGO_SETTINGS_MODULE="rmm.settings.production",
            SECRET_KEY="backup-test-" + "r4nd0m-" * 8,
            ALLOWED_HOSTS="rmm.example.org",
            RMM_SITE_URL="https://rmm.example.org",
        )
    else:
        env["DJANGO_SETTINGS_MODULE"] = "rmm.settings.local"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def script(name: str, *args: str, database: str, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "docker" / name), *args],
        env={**os.environ, "DATABASE_URL": url(database), **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def refusal(database: str, sql: str) -> str:
    """The database's refusal of `sql` as the tables' owner (a superuser here), '' if done."""
    where = server()
    with psycopg.connect(
        host=where["host"], port=where["port"], user=where["user"], dbname=database
    ) as connection:
        try:
            connection.execute(sql)
        except psycopg.Error as error:
            return str(error)
        finally:
            connection.rollback()
    return ""


@pytest.fixture
def databases(tmp_path):
    suffix = f"{os.getpid()}_{tmp_path.name[-6:]}".replace("-", "_").lower()
    names = {"source": f"rmm_prod_src_{suffix}", "target": f"rmm_prod_dst_{suffix}"}
    for name in names.values():
        admin_sql(f"CREATE DATABASE {name}")
    yield names
    for name in names.values():
        admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restores_into_a_new_database_with_vaults_and_audit_protection(
    databases, tmp_path
):
    source, target = databases["source"], databases["target"]
    var_dir = tmp_path / "var"
    for step in (("migrate", "--noinput"), ("load_demo",), ("shell", "-c", OPEN_VAULTS)):
        result = manage(*step, database=source, production=False, RMM_VAR_DIR=str(var_dir))
        assert result.returncode == 0, result.stdout + result.stderr
    media = tmp_path / "media"
    (media / "actions").mkdir(parents=True)
    (media / "actions" / "preuve.pdf").write_bytes(b"%PDF-1.4 evidence")

    before = manage("shell", "-c", READ_VAULTS, database=source)
    assert before.returncode == 0, before.stderr
    vaults = json.loads(before.stdout.splitlines()[-1])
    assert len(vaults) >= 5 and all(vault["mother_last_name"] for vault in vaults.values())

    # --- backup: the key is in the environment, and still never in the backup ---------------
    backups = tmp_path / "backups"
    started = time.monotonic()
    result = script(
        "backup.sh",
        str(backups),
        database=source,
        RMM_MEDIA_DIR=str(media),
        RMM_FIELD_ENCRYPTION_KEY=KEY,
    )
    assert result.returncode == 0, result.stderr
    print(f"\nbackup.sh: {time.monotonic() - started:.1f} s")
    folder = Path(result.stdout.strip())
    assert folder.parent == backups and folder.name.startswith("rmm-")
    assert sorted(path.name for path in folder.iterdir()) == [
        "SHA256SUMS",
        "manifest.txt",
        "media.tar.gz",
        "rmm.dump",
    ]
    assert oct(folder.joinpath("rmm.dump").stat().st_mode & 0o777) == "0o600"
    for path in folder.iterdir():
        assert KEY.encode() not in path.read_bytes(), path.name
    manifest = (folder / "manifest.txt").read_text()
    assert "media: 1 file(s)" in manifest and "not in this backup" in manifest
    # Inside the dump, the vaults are ciphertext: no identity value can be read from it.
    listing = subprocess.run(
        ["pg_restore", "--data-only", "--file=-", str(folder / "rmm.dump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for vault in vaults.values():
        for name in ("mother_nir", "phone", "email", "ipp"):
            if len(vault[name]) > 5:
                assert vault[name] not in listing, name

    # --- restore: refused over a database in use, or from a damaged backup ------------------
    refused = script("restore.sh", str(folder), database=source)
    assert refused.returncode == 1
    assert "contient déjà" in refused.stderr and "rien n'a été restauré" in refused.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    with (damaged / "rmm.dump").open("ab") as dump:
        dump.write(b"x")
    refused = script("restore.sh", str(damaged), database=target)
    assert refused.returncode == 1 and "sommes de contrôle fausses" in refused.stderr

    restored_media = tmp_path / "restored-media"
    started = time.monotonic()
    result = script("restore.sh", str(folder), database=target, RMM_MEDIA_DIR=str(restored_media))
    assert result.returncode == 0, result.stderr
    print(f"restore.sh: {time.monotonic() - started:.1f} s")
    assert "rotate_identity_key --dry-run" in result.stdout
    assert (restored_media / "actions" / "preuve.pdf").read_bytes() == b"%PDF-1.4 evidence"

    # --- Django on the restored database: schema complete, vaults readable with the key -----
    check = manage("migrate", "--check", database=target)
    assert check.returncode == 0, check.stdout + check.stderr
    after = manage("shell", "-c", READ_VAULTS, database=target)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout.splitlines()[-1]) == vaults
    verified = manage("rotate_identity_key", "--dry-run", database=target)
    assert verified.returncode == 0 and "Rien n'a été modifié" in verified.stdout
    # Without the right key, the backup's identities are lost: said, never half-read.
    wrong = manage("rotate_identity_key", "--dry-run", database=target, key=OTHER_KEY)
    assert wrong.returncode != 0 and "ne se déchiffre avec aucune des clés" in wrong.stderr

    # --- the audit is still append-only in the restored database ----------------------------
    for table in AUDIT_TABLES:
        assert refusal(target, f"SELECT 1 / count(*) FROM {table}") == "", f"{table} is empty"
        assert "append-only" in refusal(target, f"UPDATE {table} SET id = id"), table
        assert "append-only" in refusal(target, f"DELETE FROM {table}"), table
        assert "append-only" in refusal(target, f"TRUNCATE {table}"), table
