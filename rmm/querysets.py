"""Query helpers shared by the apps' selectors."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, connections, router
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
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


# Keys no row has (primary keys are positive): the n-th marks the n-th key's places among the
# compiled statement's parameters.
_KEY_MARK = -7_700_000_001


def _marks(count: int) -> list[int]:
    return [_KEY_MARK - number for number in range(count)]


_BUILT_BY = {ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    key_at: tuple[tuple[int, int], ...]  # (parameter's place, key's number)
    compiler: object  # its converters (dates on SQLite...) and the row's layout
    iterable: type
    columns: int
    converters: dict
    names: list[str]  # values(): the dicts' keys
    model_start: int = 0
    model_end: int = 0
    init_list: tuple = ()
    populators: tuple = ()


def valid_key(key) -> int | None:
    """A primary key from a URL or a form as an integer, or None when no row can have it (and
    SQLite refuses an integer beyond 64 bits)."""
    try:
        key = int(key)
    except (TypeError, ValueError):
        return None
    return key if 0 < key < 2**63 else None


class KeyedQuery:
    """A read whose statement differs from one call to the next only by a key (a case's id)
    or a few (a session's and a case's), compiled by the ORM once per process and database.
    Each call runs it with the keys and
    builds what the ORM builds: instances with their `select_related` relations, `values()`
    dicts or `values_list()` tuples (tested against the ORM's own reading).

    Compiling the statement of a page's reads cost the ORM 0.3 to 1.2 ms each, on every
    request (a row of ~150 columns with two joined tables: 1.2 ms). `build(*keys)` returns the
    queryset; it must depend on the keys alone (no clock, no user, no language), since its
    statement is kept for the life of the process; no `prefetch_related` (read apart)."""

    def __init__(self, build, *, keys: int = 1):
        self.build, self.keys = build, keys
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, queryset: QuerySet) -> _Compiled:
        if queryset._iterable_class not in _BUILT_BY or queryset._prefetch_related_lookups:
            raise ValueError("KeyedQuery builds instances, values() and values_list() only.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        marks = _marks(self.keys)
        key_at = tuple(
            (index, marks.index(value)) for index, value in enumerate(params) if value in marks
        )
        if {number for _index, number in key_at} != set(range(self.keys)):
            raise ValueError("A key is not a parameter of the statement.")
        select = compiler.select
        query = queryset.query
        extra = {}
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            extra = {
                "model_start": start,
                "model_end": end,
                "init_list": tuple(column[0].target.attname for column in select[start:end]),
                "populators": tuple(get_related_populators(klass_info, select, queryset.db)),
            }
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            key_at=key_at,
            compiler=compiler,
            iterable=queryset._iterable_class,
            columns=compiler.col_count,
            converters=compiler.get_converters(
                [column[0] for column in select[: compiler.col_count]]
            ),
            names=list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select],
            **extra,
        )
        self._compiled[queryset.db] = compiled
        return compiled

    def rows(self, *keys) -> list:
        """What `list(build(*keys))` gives (nothing for a key no row can have)."""
        keys = [valid_key(key) for key in keys]
        if len(keys) != self.keys:
            raise TypeError(f"{self.keys} key(s) expected.")
        if None in keys:
            return []
        alias = router.db_for_read(self._model())
        compiled = self._compiled.get(alias) or self._compile(self.build(*_marks(self.keys)))
        params = list(compiled.params)
        for index, number in compiled.key_at:
            params[index] = keys[number]
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.compiler.has_extra_select:  # ordering columns the ORM added
            rows = [row[: compiled.columns] for row in rows]
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return self._built(compiled, alias, rows)

    def _model(self):
        model = getattr(self, "_model_class", None)
        if model is None:
            model = self._model_class = self.build(*_marks(self.keys)).model
        return model

    @staticmethod
    def _built(compiled: _Compiled, alias: str, rows) -> list:
        if compiled.iterable is ModelIterable:
            model = compiled.compiler.klass_info["model"]
            built = []
            for row in rows:
                instance = model.from_db(
                    alias, compiled.init_list, row[compiled.model_start : compiled.model_end]
                )
                for populator in compiled.populators:
                    populator.populate(row, instance)
                built.append(instance)
            return built
        if compiled.iterable is ValuesIterable:
            names = compiled.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        if compiled.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]


class ReadByKey:
    """One row of `model` by its primary key, with forward relations joined as
    `select_related(*related)` joins them (a `KeyedQuery`): the case pages' case row, whose
    statement the ORM compiled for 1.2 ms of CPU on each request."""

    def __init__(self, model, *related: str):
        self.query = KeyedQuery(
            lambda key: model._default_manager.select_related(*related).filter(pk=key)
        )

    def get(self, pk):
        """The row as a model instance with its related ones, or None."""
        found = self.query.rows(pk)
        return found[0] if found else None


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
