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
