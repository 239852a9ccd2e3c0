"""Where one page of `make bench` spends its time, in process (not part of the test suite).

Usage, on the database `make bench BENCH_ARGS="--keep"` leaves behind:
    .venv/bin/python bench/profile_page.py "case page"              # CPU per request
    .venv/bin/python bench/profile_page.py "case page" --cprofile   # and the top functions
    .venv/bin/python bench/profile_page.py "case page" --sql        # and each query's time
    .venv/bin/python bench/profile_page.py "" --split               # wall time, split by part

The page is requested through Django's test client with the bench's signed-in session of its
persona (the same URL and query string as bench/pages_http.py); the figure is the process's
CPU time per request (median), which a virtual machine's drifting speed disturbs less than
the wall clock. The floor page is measured beside it for the ratio.
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
sys.path.insert(0, str(ROOT / "bench"))

import pages_http  # noqa: E402 (after the path)


def cpu_per_request(client, url, params, repeat: int) -> float:
    samples = []
    for _n in range(repeat):
        started = time.process_time()
        response = client.get(url, params)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def wall_split(client, url, params, repeat: int) -> tuple[float, float, float]:
    """Median wall time per request, and the medians of its time in SQL queries (their round
    trips included) and in rendering templates (which may itself run a lazy query: the base
    template's navigation). What a page spends beyond the floor in queries alone is a lower
    bound of what it costs beyond it over HTTP."""
    from django.db import connection
    from django.template.backends import django as django_backend

    spent = {"sql": 0.0, "render": 0.0}
    render = django_backend.Template.render

    def timed_render(template, *args, **kwargs):
        started = time.perf_counter()
        try:
            return render(template, *args, **kwargs)
        finally:
            spent["render"] += time.perf_counter() - started

    def timed_query(execute, sql, query_params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, query_params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    totals, queries, renders = [], [], []
    django_backend.Template.render = timed_render
    try:
        with connection.execute_wrapper(timed_query):
            for _n in range(repeat):
                spent["sql"] = spent["render"] = 0.0
                started = time.perf_counter()
                response = client.get(url, params)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                totals.append(time.perf_counter() - started)
                queries.append(spent["sql"])
                renders.append(spent["render"])
    finally:
        django_backend.Template.render = render
    return tuple(statistics.median(values) * 1000 for values in (totals, queries, renders))


def _timing(timings: list):
    """A database execute wrapper that notes each query's wall time (ms, to the microsecond:
    Django's own log rounds it to the millisecond) and its SQL."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - started) * 1000, sql))

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("label", help="a part of the page's label in bench/pages_http.py")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--split", action="store_true")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    os.environ.update(pages_http.environment(args))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    context = pages_http.bench_context(args)
    chosen = [page for page in pages_http.PAGES if args.label in page[0]]
    for label, persona, name, keys, query in [pages_http.PAGES[0], *chosen]:
        url = pages_http.page_url(name, keys, context)
        params = context[query] if isinstance(query, str) else query
        client = Client()
        client.cookies[context["cookie"]] = context["sessions"][persona]
        for _warm_up in range(3):
            response = client.get(url, params)
        assert response.status_code == 200, (label, response.status_code)
        cpu = cpu_per_request(client, url, params, args.repeat)
        timings = []
        with connection.execute_wrapper(_timing(timings)):
            client.get(url, params)
        waited = sum(elapsed for elapsed, _sql in timings)
        print(
            f"{label:40s} {cpu:6.2f} ms CPU  {len(timings):3d} queries "
            f"({waited:.2f} ms in them, wall)"
        )
        if args.split:
            wall, in_sql, in_render = wall_split(client, url, params, args.repeat)
            print(
                f"{'':40s} {wall:6.2f} ms wall: {in_sql:.2f} in SQL, "
                f"{in_render:.2f} rendering templates (lazy queries included)"
            )
        if args.sql:
            for elapsed, sql in timings:
                print(f"   {elapsed:7.2f} ms  {sql[:160]}")
        if args.cprofile and label != pages_http.PAGES[0][0]:
            profile = cProfile.Profile()
            profile.enable()
            for _n in range(args.repeat):
                client.get(url, params)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
