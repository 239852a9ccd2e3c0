"""`make bench` (bench/pages_http.py) names its pages by URL name and its people by persona:
a renamed URL or account must fail here, not silently drop out of the benchmark."""

import importlib.util
from pathlib import Path

from django.urls import NoReverseMatch, reverse

from rmm.fake_data import PERSONAS

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "pages_http.py"


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_pages_http", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_benchmark_resolves():
    bench = bench_module()
    assert bench.PAGES[0][2] == "password_change_done"  # the floor comes first
    for label, persona, name, keys, _query in bench.PAGES:
        assert persona in PERSONAS or persona == "territory", label
        args = [1 if isinstance(key, str) else key for key in keys]
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            assert name in bench.OPTIONAL, f"{label}: {name} does not resolve"


def test_each_ratio_is_to_the_floor_timed_beside_the_page():
    """The machine's speed drifts over a run: a page is compared with the floor requests made
    just before each of its own, not with the floor timed once at the start."""
    from types import SimpleNamespace

    bench = bench_module()
    args = SimpleNamespace(cases=10, seed=1, repeat=3)
    context = {"depth": 0, "chair_visible": 0, "agenda_items": 0}
    row = {"first": 1.0, "p95": 1.0, "queries": 6}
    results = [
        {**row, "label": "floor", "name": "password_change_done", "median": 5.0, "floor": None},
        {**row, "label": "list", "name": "cases:list", "median": 15.0, "floor": 10.0},
        {**row, "label": "page", "name": "cases:detail", "median": 16.0, "floor": 10.0},
    ]
    sweep = {"first": (1.0, 1), "steady": (1.0, 1)}
    report = bench.render_report(args, context, results, sweep, generation=None)
    lines = {line.split(" | ")[0]: line for line in report.splitlines() if line.startswith("| ")}
    assert "| 10.0 | 1.50 |" in lines["| list"] and lines["| list"].endswith("| met |")
    assert "| 10.0 | 1.60 |" in lines["| page"] and "**missed**" in lines["| page"]
