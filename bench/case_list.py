"""Benchmark of the case list against DESIGN §10 targets (not part of the test suite).

Usage (PostgreSQL; it creates and then drops its own database):
    .venv/bin/python bench/case_list.py --cases 100000 --repeat 30

Measures, through Django's test client with a signed-in coordinator, the median time of:
- a page that only renders the base template (the home page of a user with nothing pending is
  close: it is used as the reference "authenticated base page");
- the case list at page 1 and deep in the list (keyset cursor after 50,000 rows);
- the naive alternative DESIGN warns about: exact COUNT(*) + OFFSET paging at page 2,000.
Targets: case list <= 1.5 x base page at any depth; keyset deep page about as fast as page 1.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(function, repeat: int) -> float:
    function()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    database = f"rmm_bench_{os.getpid()}"
    os.environ["DATABASE_URL"] = f"{args.server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        run(args)
    finally:
        connection.close()
        runner.teardown_databases(old_config)


def run(args) -> None:
    from datetime import timedelta

    from django.core.paginator import Paginator
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, User
    from cases.models import Case
    from cases.selectors import case_list_visible_to, encode_cursor

    setup_test_environment()
    network = Organisation.objects.create(name="Réseau bench", kind="reseau")
    maternity = Organisation.objects.create(
        name="Maternité bench", kind="maternite", level="3", parent=network
    )
    user = User.objects.create_user(email="bench@rmm.test", password=None, full_name="Bench")
    from accounts.services import direct_vault_grants

    with direct_vault_grants():  # a benchmark's own data, outside the confirmation service
        Membership.objects.create(user=user, organisation=maternity, role=Role.COORDINATOR)
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for index in range(args.cases):
        batch.append(
            Case(
                code=f"RMM-2026-{index + 1:06d}",
                territory=network,
                organisation=maternity,
                declared_by=user,
                status="declared",
                created_at=now - timedelta(minutes=index),
                outcome="live_birth_death",
                kind="early_neonatal",
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    print(f"seeded {args.cases} cases in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(user)
    deep_case = case_list_visible_to(user=user).order_by("-created_at", "-id")[
        min(50_000, args.cases - 30)
    ]
    deep_cursor = encode_cursor(deep_case)

    def home():
        assert client.get(reverse("organisation_list")).status_code == 200

    def list_first():
        assert client.get(reverse("cases:list")).status_code == 200

    def list_deep():
        assert client.get(reverse("cases:list"), {"apres": deep_cursor}).status_code == 200

    def naive_offset():
        paginator = Paginator(
            Case.objects.filter(organisation=maternity).order_by("-created_at", "-id"), 25
        )
        page = paginator.page(min(2000, paginator.num_pages))
        list(page.object_list)

    base = median_ms(home, args.repeat)
    first = median_ms(list_first, args.repeat)
    deep = median_ms(list_deep, args.repeat)
    naive = median_ms(naive_offset, args.repeat)
    print(f"authenticated simple page (organisation list): {base:7.1f} ms")
    print(f"case list, page 1:                             {first:7.1f} ms  ({first / base:.2f} x)")
    print(f"case list, keyset after 50,000 rows:           {deep:7.1f} ms  ({deep / base:.2f} x)")
    print(f"naive COUNT(*) + OFFSET page 2,000 (query only): {naive:5.1f} ms")


if __name__ == "__main__":
    main()
