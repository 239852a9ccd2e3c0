"""Pseudonymous, stable case codes: RMM-<year>-<sequence>, numbered per territory, never
derived from identity."""

from django.db import transaction

from accounts.models import Organisation

from ..models import CaseCodeCounter

MAX_TERRITORY_DEPTH = 10


def territory_of(organisation: Organisation) -> Organisation:
    """The root of the organisation's territory (itself when it has no parent)."""
    current = organisation
    for _depth in range(MAX_TERRITORY_DEPTH):
        if current.parent_id is None:
            return current
        current = current.parent
    return current


@transaction.atomic
def next_case_code(*, territory: Organisation, year: int) -> str:
    CaseCodeCounter.objects.bulk_create(
        [CaseCodeCounter(territory=territory, year=year)], ignore_conflicts=True
    )
    counter = CaseCodeCounter.objects.select_for_update().get(territory=territory, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"RMM-{year}-{counter.last_value:04d}"
