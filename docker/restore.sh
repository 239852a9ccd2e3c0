#!/usr/bin/env bash
# Restore an RMM backup made by docker/backup.sh into an EMPTY database.
#
#   DATABASE_URL=postgres://rmm:...@host:5432/rmm [RMM_MEDIA_DIR=/app/var/media] \
#       docker/restore.sh /path/to/backups/rmm-<date>
#
# With docker compose: `docker compose --profile tools run --rm restore /backups/rmm-<date>`
# (README, "Sauvegarde et restauration"). The target must hold no table: this script never
# overwrites a live database. Objects are restored owned by the connecting role (the owner);
# run `manage.py migrate` and `manage.py grant_app_role rmm_app` afterwards (compose's
# `migrate` and `grant` services do both on `up`), then check the key with
# `manage.py rotate_identity_key --dry-run`.
set -euo pipefail

die() { echo "restauration : $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage : $0 DOSSIER_DE_LA_SAUVEGARDE"
: "${DATABASE_URL:?DATABASE_URL (base cible, vide) est requis}"
backup=$1
[ -f "$backup/rmm.dump" ] && [ -f "$backup/SHA256SUMS" ] \
    || die "$backup ne contient pas de sauvegarde complète (rmm.dump, SHA256SUMS)."
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) \
    || die "sommes de contrôle fausses dans $backup : sauvegarde abîmée, rien n'a été restauré."

tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
[ "$tables" = "0" ] || die "la base cible contient déjà $tables table(s) : restaurez dans une \
base vide (dropdb puis createdb), rien n'a été restauré."

# One transaction: a failure leaves the target empty, never half restored. No owner and no
# grants from the old server: the connecting role owns everything, grant_app_role gives the
# application role its rights again.
pg_restore --dbname="$DATABASE_URL" --no-owner --no-acl --exit-on-error --single-transaction \
    "$backup/rmm.dump"

if [ -f "$backup/media.tar.gz" ]; then
    if [ -n "${RMM_MEDIA_DIR:-}" ]; then
        mkdir -p "$RMM_MEDIA_DIR"
        tar -C "$RMM_MEDIA_DIR" -xzf "$backup/media.tar.gz"
        echo "fichiers déposés restaurés dans $RMM_MEDIA_DIR"
    else
        echo "attention : media.tar.gz non restauré (RMM_MEDIA_DIR n'est pas défini)" >&2
    fi
fi

cat <<NEXT
Base restaurée depuis $backup.
Ensuite :
  1. manage.py migrate, puis manage.py grant_app_role rmm_app (compose : docker compose up -d) ;
  2. manage.py rotate_identity_key --dry-run avec la clé RMM_FIELD_ENCRYPTION_KEY de la
     sauvegarde : chaque coffre d'identité doit se déchiffrer.
NEXT
