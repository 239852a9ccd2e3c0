"""Re-encrypt the identity vault under the newest key, after a key rotation.

Procedure: put the new key first in RMM_FIELD_ENCRYPTION_KEY (old keys after it), run this
command, then remove the old keys. The work is done on the raw tokens in SQL because the model
fields decrypt on read and encrypt on write; going through the ORM would also bump
`updated_at` and could not tell an empty value from a missing one.
"""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases.crypto import rotate
from cases.models.identity import IdentityVault


class Command(BaseCommand):
    help = (
        "Rechiffre toutes les valeurs du coffre d'identité avec la première clé configurée "
        "(RMM_FIELD_ENCRYPTION_KEY). À lancer après avoir placé une nouvelle clé en tête de "
        "liste, avant de retirer les anciennes. Peut être relancée sans risque."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=(
                "Vérifie que chaque valeur se déchiffre avec les clés configurées et compte ce "
                "qui serait rechiffré, sans rien écrire."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Nombre de lignes traitées par transaction (défaut : 500).",
        )

    def handle(self, *args, **options):
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size doit être un entier positif.")
        dry_run = options["dry_run"]

        meta = IdentityVault._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        pk = quote(meta.pk.column)
        columns = [meta.get_field(name).column for name in IdentityVault.ENCRYPTED_FIELDS]
        select_list = ", ".join([pk, *(quote(column) for column in columns)])
        # Identifiers come from the model's own metadata, quoted: no user input in the SQL.
        select = f"SELECT {select_list} FROM {table} WHERE {pk} > %s"  # noqa: S608
        select += f" ORDER BY {pk} LIMIT %s"
        if connection.features.has_select_for_update and not dry_run:
            select += " FOR UPDATE"  # a vault edited meanwhile waits instead of being overwritten

        rows_done = values_done = 0
        last_pk = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last_pk, batch_size])
                batch = cursor.fetchall()
                for row in batch:
                    row_pk, tokens = row[0], row[1:]
                    changes = {
                        column: self._rotate(token, row_pk, column)
                        for column, token in zip(columns, tokens, strict=True)
                        if token
                    }
                    if changes and not dry_run:
                        assignments = ", ".join(f"{quote(column)} = %s" for column in changes)
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                            [*changes.values(), row_pk],
                        )
                    rows_done += 1
                    values_done += len(changes)
            if len(batch) < batch_size:
                break
            last_pk = batch[-1][0]

        if dry_run:
            self.stdout.write(
                f"Simulation : {rows_done} ligne(s) lue(s), {values_done} valeur(s) seraient "
                "rechiffrées avec la première clé. Rien n'a été modifié."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{rows_done} ligne(s) traitée(s), {values_done} valeur(s) rechiffrée(s) "
                    "avec la première clé."
                )
            )

    @staticmethod
    def _rotate(token: str, row_pk, column: str) -> str:
        try:
            return rotate(token)
        except InvalidToken:
            # Never show the token: it is the identity, only encrypted.
            raise CommandError(
                f"La colonne {column} de la ligne {row_pk} ne se déchiffre avec aucune des clés "
                "configurées : rien n'a été écrit pour ce lot. Ajoutez l'ancienne clé à "
                "RMM_FIELD_ENCRYPTION_KEY puis relancez la commande."
            ) from None
