#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume: creates the role the
# application connects with. It owns nothing: `manage.py grant_app_role rmm_app` (the `grant`
# service, after every migrate) gives it read/write access, without TRUNCATE and without
# UPDATE/DELETE on the audit tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="${RMM_APP_DB_ROLE:-rmm_app}" -v app_password="$RMM_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
SQL
