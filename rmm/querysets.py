"""Query helpers shared by the apps' selectors."""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone


def first_rows_of_parts(
    parts: list[QuerySet], order: tuple[str, ...], limit: int, *, distinct: bool = False
) -> list:
    """The first `limit` rows, in `order`, of disjoint querysets selecting the same columns
    (or of overlapping ones with `distinct`: a row in two parts comes once).

    Each part gives its own first `limit` rows and the union keeps the first `limit` of those:
    a part that an index holds in `order` is read for a few rows, never sorted whole (thousands
    of ready cases or overdue actions). Where the database refuses ordered parts in a union
    (SQLite), the union is ordered as a whole."""
    if not parts:
        return []
    if len(parts) == 1:
        return list(parts[0].order_by(*order)[:limit])
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [part.order_by(*order)[:limit] for part in parts]
    else:
        parts = [part.order_by() for part in parts]
    first, *others = parts
    return list(first.union(*others, all=not distinct).order_by(*order)[:limit])


def moment_read_by_hand(value: datetime | None) -> datetime | None:
    """A date and time read with a statement written by hand (not through the ORM, which
    converts it): PostgreSQL gives it with its zone, SQLite as the UTC moment without one."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, UTC)
