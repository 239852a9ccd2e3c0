"""Query helpers shared by the apps' selectors."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
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


# A key no row has (primary keys are positive): it marks the key's place among the compiled
# statement's parameters.
_KEY_MARK = -7_700_000_001


@dataclass(frozen=True)
class _CompiledRead:
    sql: str
    params: tuple
    key_index: int
    compiler: object  # for its converters (dates on SQLite...) and row layout
    model_start: int
    model_end: int
    init_list: list[str]
    populators: list
    converters: dict


class ReadByKey:
    """One row of `model` by its primary key, with forward relations joined as
    `select_related(*related)` joins them, built as the ORM builds its instances.

    The ORM compiles the statement on every call: for a row of ~150 columns with two joined
    tables that cost 1.2 ms of the case page's CPU on each request. Here the ORM compiles it
    once per process and database, and each call only runs it with the key. The same
    statement, the same instances (tested field by field against the ORM's `get`); a model
    change needs a new process, as for any code change."""

    def __init__(self, model, *related: str):
        self.model, self.related = model, related
        self._compiled: dict[str, _CompiledRead] = {}

    def _compile(self, alias: str) -> _CompiledRead:
        queryset = (
            self.model._default_manager.using(alias)
            .select_related(*self.related)
            .filter(pk=_KEY_MARK)
        )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        compiled = _CompiledRead(
            sql=sql,
            params=tuple(params),
            key_index=list(params).index(_KEY_MARK),
            compiler=compiler,
            model_start=start,
            model_end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, alias),
            converters=compiler.get_converters([column[0] for column in select]),
        )
        self._compiled[alias] = compiled
        return compiled

    def get(self, pk, *, using: str | None = None):
        """The row as a model instance with its related ones, or None."""
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return None
        if not 0 < key < 2**63:  # no such row (and SQLite refuses a larger integer)
            return None
        alias = using or router.db_for_read(self.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        params[compiled.key_index] = key
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        row = rows[0]
        instance = self.model.from_db(
            alias, compiled.init_list, row[compiled.model_start : compiled.model_end]
        )
        for populator in compiled.populators:
            populator.populate(row, instance)
        return instance
