"""`make run`: the web server, a Celery worker and Celery beat in one terminal.

Prints the URL and one demo login per role, then waits; Ctrl-C (or SIGTERM) stops every process
it started, and if one of them dies the others are stopped too rather than left half-running.
"""

import os
import signal
import subprocess
import sys
import time

# Ctrl-C must give the terminal back within 5 seconds: children get SIGTERM, then SIGKILL.
STOP_TIMEOUT_SECONDS = 3


def commands(port: str) -> dict[str, list[str]]:
    python = sys.executable
    var_dir = os.environ.get("RMM_VAR_DIR", "var")
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "rmm",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "rmm",
            "beat",
            "--loglevel=INFO",
            f"--schedule={var_dir}/celerybeat-schedule",
        ],
    }


def banner(port: str) -> str:
    from accounts.demo import DEMO_PASSWORD, logins

    lines = [
        "",
        f"RMM tourne sur http://127.0.0.1:{port}/  (Ctrl-C pour tout arrêter)",
        f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :",
    ]
    lines += [
        f"  - {role:<28} {email:<34} {organisation}" for role, email, organisation in logins()
    ]
    return "\n".join(lines) + "\n"


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=2)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.local")
    import django

    django.setup()
    port = os.environ.get("PORT", "8000")
    processes: dict[str, subprocess.Popen] = {}

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    # Installed explicitly: a process started with SIGINT ignored (a script's background job,
    # nohup) would otherwise never see Ctrl-C or `kill -INT`.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for name, command in commands(port).items():
            # Own process group each: Ctrl-C reaches us once and we stop the children in order.
            processes[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603 (fixed argv)
        print(banner(port), flush=True)
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"Le processus {name} s'est arrêté (code {process.returncode}).")
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nArrêt de RMM…", flush=True)
        return 0
    finally:
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
