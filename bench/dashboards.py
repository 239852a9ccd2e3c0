"""Benchmark of the dashboards and exports at scale against the floor page (issue 13).

Not part of the test suite. On a database filled by `manage.py generate_fake_data` (its personas
sign in), through Django's test client, each page alternated with the floor page (an
authenticated page that renders only the base template), request for request:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rmm_fake_bench \\
        .venv/bin/python bench/dashboards.py --repeat 10 [--only export] [--profile "actions"]
Exports are read to their last byte. The territory dashboard is measured uncached (the cache
cleared before each request) and cached.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pages():
    """(label, persona, url name, uncached)."""
    return [
        ("actions dashboard (quality)", "quality_manager", "actions:dashboard", False),
        ("actions CSV export (quality)", "quality_manager", "actions:dashboard_export", False),
        ("territory dashboard, uncached", "territory", "territory:dashboard", True),
        ("territory dashboard, cached", "territory", "territory:dashboard", False),
        ("territory aggregates CSV", "territory", "territory:export_aggregates", False),
        ("territory rows CSV (coordinator)", "coordinator", "territory:export_rows", False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import User
    from rmm.fake_data import PERSONAS

    setup_test_environment()
    emails = dict(PERSONAS, territory=PERSONAS["observer"])
    clients = {}

    def client_for(persona):
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(User.objects.get(email=emails[persona]))
        return clients[persona]

    def getter(persona, url, uncached=False):
        client = client_for(persona)

        def get():
            if uncached:
                cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                return sum(len(chunk) for chunk in response.streaming_content)
            return len(response.content)

        return get

    floor = getter("quality_manager", reverse("password_change_done"))
    floor()
    for label, persona, name, uncached in pages():
        if args.only and args.only not in label:
            continue
        get = getter(persona, reverse(name), uncached)
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((1000 * (time.perf_counter() - start), sql))

        with connection.execute_wrapper(record):
            size = get()
        if args.profile and args.profile in label:
            profiler = cProfile.Profile()
            profiler.enable()
            get()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            for duration, sql in sorted(queries, reverse=True)[:8]:
                print(f"{duration:8.1f} ms  {sql[:300]}")
        page_ms, floor_ms = [], []
        for _ in range(args.repeat):
            for function, times in ((get, page_ms), (floor, floor_ms)):
                start = time.perf_counter()
                function()
                times.append((time.perf_counter() - start) * 1000)
        page, base = statistics.median(page_ms), statistics.median(floor_ms)
        print(
            f"{label:36} {page:8.1f} ms  {page / base:6.2f} x floor ({base:5.1f} ms)  "
            f"{len(queries):3d} queries  {size:>10,} bytes",
            flush=True,
        )


if __name__ == "__main__":
    main()
