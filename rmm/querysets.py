"""Query helpers shared by the apps' selectors."""

import functools
from collections.abc import Sequence
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col
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


def columns_read_by_hand(model: type[Model], alias: str) -> str:
    """`alias."column", ...` of every concrete field of the model, in its fields' order: the
    part of a statement written by hand that `models_read_by_hand` turns back into a model
    (written once per process: the case alone has some 130 columns)."""
    return _columns(model, alias, connection.vendor)


@functools.cache
def _columns(model: type[Model], alias: str, vendor: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@functools.cache
def _converters(model: type[Model], vendor: str) -> tuple[list[str], list[tuple[int, list, Col]]]:
    """(attnames, [(position, converters, column)]) of the model's concrete fields: the
    database's and the fields' own converters the ORM applies to what it reads."""
    converters = []
    for position, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    return [field.attname for field in model._meta.concrete_fields], converters


def models_read_by_hand(row, models: Sequence[type[Model]]) -> list[Model | None]:
    """The models of a row read by a statement written by hand that selected, in order, each
    model's `columns_read_by_hand`, built as the ORM builds them (its converters applied, so
    dates carry their zone on SQLite too; `Model.from_db`); None for a model whose key is NULL
    (an outer join that found nothing). Their relations are the caller's to attach
    (`keep_related`)."""
    found, start = [], 0
    for model in models:
        attnames, converters = _converters(model, connection.vendor)
        values = list(row[start : start + len(attnames)])
        start += len(attnames)
        if values[attnames.index(model._meta.pk.attname)] is None:
            found.append(None)
            continue
        for position, functions, column in converters:
            for function in functions:
                values[position] = function(values[position], column, connection)
        found.append(model.from_db(connection.alias, attnames, values))
    if start != len(row):
        raise ValueError(f"{len(row)} columns read for {start} expected")
    return found


def keep_related(instance: Model, name: str, related: Model | None) -> None:
    """Attach `related` (or None) to `instance` as its relation `name` (a foreign key, a
    one-to-one either way), both ways where the ORM's `select_related` would."""
    field = instance._meta.get_field(name)  # the field, or the reverse side of a one-to-one
    field.set_cached_value(instance, related)
    if related is not None and field.one_to_one:
        field.remote_field.set_cached_value(related, instance)
