"""Container health checks of docker-compose.yml (standard library only: it runs every 30 s, so
it must start fast and must not load Django).

    python docker/healthcheck.py web    GET /healthz on this container's gunicorn, 200 expected
    python docker/healthcheck.py beat   Celery beat's heartbeat file touched recently

`web` sends a Host header taken from ALLOWED_HOSTS, so the answer does not depend on the name
the probe uses: a request to 127.0.0.1 would get 400 once ALLOWED_HOSTS names only the real
host. /healthz is exempt from the HTTPS redirect (rmm/settings/production.py)."""

import http.client
import os
import sys
import time
from pathlib import Path

BEAT_STALE_AFTER = 120  # seconds: four missed heartbeats (rmm/beat.py beats every 30 s)


def probe_host() -> str:
    """A host name ALLOWED_HOSTS accepts ('.example.org' accepts any of its subdomains)."""
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        if entry == "*":
            return "localhost"
        return f"healthcheck{entry}" if entry.startswith(".") else entry
    return "localhost"


def check_web() -> str | None:
    port = int(os.environ.get("RMM_HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    try:
        connection.request("GET", "/healthz", headers={"Host": probe_host()})
        response = connection.getresponse()
        body = response.read(500).decode("utf-8", "replace")
    except OSError as error:
        return f"web: no answer on port {port} ({error})"
    finally:
        connection.close()
    if response.status != 200:
        return f"web: /healthz answered {response.status}: {body}"
    return None


def check_beat() -> str | None:
    var_dir = os.environ.get("RMM_VAR_DIR", "var")
    schedule = os.environ.get("RMM_BEAT_SCHEDULE", f"{var_dir}/celerybeat-schedule")
    heartbeat = Path(f"{schedule}.heartbeat")
    try:
        age = time.time() - heartbeat.stat().st_mtime
    except OSError:
        return f"beat: no heartbeat file {heartbeat}"
    if age > BEAT_STALE_AFTER:
        return f"beat: last heartbeat {age:.0f} s ago ({heartbeat})"
    return None


def main(argv: list[str]) -> int:
    checks = {"web": check_web, "beat": check_beat}
    if len(argv) != 2 or argv[1] not in checks:
        print(f"usage: {argv[0]} web|beat", file=sys.stderr)
        return 2
    problem = checks[argv[1]]()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"{argv[1]}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
