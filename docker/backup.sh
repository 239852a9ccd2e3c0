#!/usr/bin/env bash
# Back up RMM: the PostgreSQL database (custom-format dump) and the uploaded files.
#
#   DATABASE_URL=postgres://rmm:...@host:5432/rmm [RMM_MEDIA_DIR=/app/var/media] \
#       docker/backup.sh /path/to/backups
#
# With docker compose: `docker compose --profile tools run --rm backup` (README, "Sauvegarde et
# restauration"). Writes /path/to/backups/rmm-<UTC date>/ with rmm.dump, media.tar.gz,
# manifest.txt and SHA256SUMS; the folder gets its final name only once complete.
#
# The identity vault key (RMM_FIELD_ENCRYPTION_KEY) is NEVER written here: the vaults in the
# dump stay encrypted, and whoever holds a backup without the key cannot read an identity.
# Keep the key apart (password safe, sealed envelope), and test a restore with it.
set -euo pipefail
umask 077  # health data: readable by the backup's owner only

die() { echo "sauvegarde : $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage : $0 DOSSIER_DES_SAUVEGARDES"
: "${DATABASE_URL:?DATABASE_URL (rôle propriétaire des tables) est requis}"
destination=$1
mkdir -p "$destination"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$destination/rmm-$stamp"
partial="$final.partial"
[ ! -e "$final" ] || die "$final existe déjà"
mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

# -Fc: compressed, restorable table by table, with the triggers that keep the audit append-only.
pg_dump --format=custom --compress=6 --file="$partial/rmm.dump" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot read is no backup: list its contents now.
entries=$(pg_restore --list "$partial/rmm.dump" | grep -cv '^;')

media_files=0
if [ -n "${RMM_MEDIA_DIR:-}" ] && [ -d "$RMM_MEDIA_DIR" ]; then
    tar -C "$RMM_MEDIA_DIR" -czf "$partial/media.tar.gz" .
    media_files=$(tar -tzf "$partial/media.tar.gz" | grep -cv '/$' || true)
fi

# The connection URL without its password.
source_db=$(printf '%s' "$DATABASE_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1@#')
cat > "$partial/manifest.txt" <<MANIFEST
RMM backup $stamp
database: $source_db
dump: rmm.dump (pg_dump --format=custom, $(pg_dump --version), $entries entries)
media: $media_files file(s)
key: RMM_FIELD_ENCRYPTION_KEY is not in this backup. Restoring needs it (kept apart).
restore: docker/restore.sh $(basename "$final")  (README.md, "Sauvegarde et restauration")
MANIFEST
(cd "$partial" && sha256sum -- * > SHA256SUMS)

mv "$partial" "$final"
trap - EXIT
echo "$final"
