"""Small-cell suppression for tables shared outside the organisations (pure functions).

Rule (written at the top of the aggregated export and of the annual report):
1. primary suppression: every count from 1 to 4 is masked, totals included (0 is shown: it
   identifies no one);
2. audit: a reader knows every published count and total, that 0 is always shown (so a masked
   entry is at least 1) and nothing more about a masked entry; for each masked entry, the
   smallest and the largest value it can take given all of that is computed;
3. complementary suppression: while one masked entry can take only one value (it could be
   recomputed, by subtraction or by any combination of rows, columns and totals), the smallest
   published non-zero count of its row or column is masked too (a total only when the line has
   no such count), and the audit is run again.
Tables that share margins are audited together (the aggregated export's two cross tables have
the same column totals and grand total). Masked entries are all written the same way, so that a
reader cannot tell a small count from one masked only to protect it.

How the audit is computed: a cross table with its row, column and grand totals is a circulation
in a small network (source -> row -> cell -> column -> sink -> source, one arc per published or
masked entry, each node's inflow equal to its outflow). The values compatible with what is
published are the integer circulations in which published arcs keep their value and masked
arcs are at least 1. Such a constraint matrix is totally unimodular, so the set of values a
masked arc can take is an interval of integers, and it holds more than one value exactly when
the arc lies on a cycle of the residual network (masked arcs forwards, and backwards when their
value is above 1). The audit is therefore exact (the same answer as a brute force over every
possible table) and takes a breadth-first search per masked entry.
"""

from collections import defaultdict, deque
from collections.abc import Hashable
from dataclasses import dataclass

SMALL_MIN, SMALL_MAX = 1, 4
MASK = "s"
FLOOR = 1  # a masked entry is never 0 (zeros are shown), which a reader knows


def is_small(value: int) -> bool:
    return SMALL_MIN <= value <= SMALL_MAX


Arc = tuple[Hashable, Hashable]  # (tail node, head node)


def _residual(values, arcs, masked) -> dict:
    """node -> [(next node, arc key)]: masked entries may be larger (forwards) and, above the
    floor, smaller (backwards); published entries cannot move."""
    successors = defaultdict(list)
    for key in masked:
        tail, head = arcs[key]
        successors[tail].append((head, key))
        if values[key] > FLOOR:
            successors[head].append((tail, key))
    return successors


def _reaches(successors, start, goal, without) -> bool:
    """Whether `goal` is reachable from `start` in the residual network, arc `without` left out."""
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for following, key in successors[node]:
            if key != without and following not in seen:
                seen.add(following)
                queue.append(following)
    return False


def _is_pinned(key, values, arcs, masked, successors=None) -> bool:
    successors = successors if successors is not None else _residual(values, arcs, masked)
    tail, head = arcs[key]
    if _reaches(successors, head, tail, key):
        return False  # it could be larger
    return not (values[key] > FLOOR and _reaches(successors, tail, head, key))


def pinned(values: dict[Hashable, int], arcs: dict[Hashable, Arc], masked: set) -> set:
    """The masked entries whose value a reader can pin down from what is published."""
    successors = _residual(values, arcs, masked)
    return {key for key in masked if _is_pinned(key, values, arcs, masked, successors)}


def suppress(
    values: dict[Hashable, int], arcs: dict[Hashable, Arc], totals: set, forced=frozenset()
) -> set:
    """The keys of `values` to mask: primary (1-4), then complementary until nothing is pinned.

    For a pinned entry, the smallest published non-zero count of its lines that frees it is
    masked (counts before totals); when no single one frees it, the smallest one, and the audit
    goes on. Masking every non-zero entry leaves nothing pinned (in a circulation every positive
    arc lies on a cycle of positive arcs), so the loop ends."""
    # `forced`: entries masked elsewhere (a total shared with another table) and non-zero.
    masked = {key for key, value in values.items() if is_small(value)}
    masked |= {key for key in forced if values[key] > 0}
    by_node = defaultdict(list)
    for key, (tail, head) in arcs.items():
        by_node[tail].append(key)
        by_node[head].append(key)

    def order(k):
        return (k in totals, values[k], str(k))

    def choice(stuck):
        """A published entry to mask for the pinned entries `stuck`: the first that frees one
        of them, from its own lines; otherwise the smallest of the first one's lines."""
        fallback = None
        for key in stuck:
            tail, head = arcs[key]
            lines = {k for k in (*by_node[tail], *by_node[head]) if k not in masked}
            candidates = sorted((k for k in lines if values[k] > 0), key=order)
            for candidate in candidates:
                if not _is_pinned(key, values, arcs, masked | {candidate}):
                    return candidate
            if fallback is None and candidates:
                fallback = candidates[0]
        if fallback is None:  # every line of every pinned entry is masked or zero
            fallback = min((k for k in values if k not in masked and values[k] > 0), key=order)
        return fallback

    while stuck := sorted(pinned(values, arcs, masked), key=order):
        masked.add(choice(stuck))
    return masked


def linked_cross_tables(
    tables: list[list[list[int]]], width: int
) -> tuple[dict[Hashable, int], dict[Hashable, Arc]]:
    """Values and network of one or two cross tables sharing their columns (same column totals,
    same grand total). Keys: ("cell", t, i, j), ("row", t, i), ("col", j), ("grand",)."""
    if not 1 <= len(tables) <= 2:
        raise ValueError("one or two tables share their margins")
    values: dict[Hashable, int] = {}
    arcs: dict[Hashable, Arc] = {}
    for t, cells in enumerate(tables):
        for i, row in enumerate(cells):
            values[("row", t, i)] = sum(row)
            for j, value in enumerate(row):
                values[("cell", t, i, j)] = value
                if t == 0:  # source -> row -> column
                    arcs[("cell", t, i, j)] = (("r", t, i), ("in", j))
                else:  # column -> row -> sink
                    arcs[("cell", t, i, j)] = (("out", j), ("r", t, i))
            arcs[("row", t, i)] = ("S", ("r", t, i)) if t == 0 else (("r", t, i), "T")
    first = tables[0]
    for j in range(width):
        values[("col", j)] = sum(row[j] for row in first)
        # With one table the column flows to the sink; with two, on to the second table's cells.
        arcs[("col", j)] = (("in", j), ("out", j) if len(tables) == 2 else "T")
    values[("grand",)] = sum(sum(row) for row in first)
    arcs[("grand",)] = ("T", "S")
    return values, arcs


def linked_cross_table_masks(tables: list[list[list[int]]], width: int, forced=frozenset()) -> set:
    """Masks of one or two cross tables audited together (see linked_cross_tables)."""
    values, arcs = linked_cross_tables(tables, width)
    totals = {key for key in values if key[0] != "cell"}
    return suppress(values, arcs, totals, forced)


def cross_table_masks(cells: list[list[int]]) -> tuple[set, list[int], list[int], int]:
    """Masks of a table with row totals, column totals and a grand total.

    Keys: ("cell", i, j), ("row", i), ("col", j), ("grand",). Returns (masked keys, row totals,
    column totals, grand total)."""
    width = len(cells[0]) if cells else 0
    masked = linked_cross_table_masks([cells], width)
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(row[j] for row in cells) for j in range(width)]
    return {_single(key) for key in masked}, row_totals, column_totals, sum(row_totals)


def _single(key):
    """A key of the first linked table as a key of a table on its own."""
    if key[0] == "cell":
        return ("cell", key[2], key[3])
    if key[0] == "row":
        return ("row", key[2])
    return key


def list_masks(counts: list[int], hide_total: bool = False, forced=frozenset()) -> tuple[set, int]:
    """Masks of a one-way table with its total. Keys: ("cell", i), ("grand",). `hide_total`:
    the same total is masked in another table (the cases of a cross table), so it is masked
    here too, with whatever keeps it from being the sum of the published counts; `forced`:
    other entries masked for the same reason."""
    values: dict[Hashable, int] = {("cell", i): value for i, value in enumerate(counts)}
    arcs: dict[Hashable, Arc] = {("cell", i): ("S", "T") for i in range(len(counts))}
    values[("grand",)] = sum(counts)
    arcs[("grand",)] = ("T", "S")
    forced = set(forced) | ({("grand",)} if hide_total else set())
    return suppress(values, arcs, {("grand",)}, forced), values[("grand",)]


def _list_entries(counts: list[int]):
    yield from ((("cell", i), value) for i, value in enumerate(counts))
    yield ("grand",), sum(counts)


@dataclass
class DocumentMasks:
    """The masks of everything one document publishes (see document_masks)."""

    cross: set  # keys of linked_cross_tables
    lists: list[set]  # keys of list_masks, one set per one-way table
    hidden_totals: set[int]  # values of the masked totals

    def single(self, value: int) -> str:
        """A count printed on its own (a delay's number of cases, the reviewed cases...)."""
        return MASK if is_small(value) or value in self.hidden_totals else str(value)


def document_masks(
    cross_tables: list[list[list[int]]], width: int, lists: list[list[int]]
) -> DocumentMasks:
    """Masks of one document (the aggregated export, the annual report): its linked cross
    tables, its one-way tables and the counts it prints on their own, made consistent across
    them. A masked total is often printed elsewhere under another name (the cases of the cross
    tables are the social tables' total and the declared cases of the delays; the reviewed
    cases may be all of them): a reader who takes any published count equal to it for that
    total gets a masked cell back by subtraction. So no published count may equal a masked
    total: such a count is masked too, with the complementary suppression of its own table,
    until nothing changes (masks only grow: the loop ends). A count printed on its own is
    masked by DocumentMasks.single."""
    values, _arcs = linked_cross_tables(cross_tables, width)
    forced_cross: set = set()
    forced_lists: list[set] = [set() for _counts in lists]
    while True:
        cross = linked_cross_table_masks(cross_tables, width, forced_cross)
        masked_lists = [
            list_masks(counts, forced=forced)[0]
            for counts, forced in zip(lists, forced_lists, strict=True)
        ]
        hidden = {values[key] for key in cross if key[0] != "cell"}
        hidden |= {
            sum(counts)
            for counts, masked in zip(lists, masked_lists, strict=True)
            if ("grand",) in masked
        }
        more_cross = {key for key, value in values.items() if value in hidden} - cross
        more_lists = [
            {key for key, value in _list_entries(counts) if value in hidden} - masked
            for counts, masked in zip(lists, masked_lists, strict=True)
        ]
        if not more_cross and not any(more_lists):
            return DocumentMasks(cross, masked_lists, hidden)
        forced_cross |= more_cross
        for forced, more in zip(forced_lists, more_lists, strict=True):
            forced |= more


def shown(value: int, key: Hashable, masked: set) -> str:
    return MASK if key in masked else str(value)


def years_touching_masks(period_keys: list, columns: list[int], is_masked) -> set:
    """Years whose counts in `columns` of a period table (row keys (year, month)) include a
    masked entry, `is_masked(i, j)` telling a cell. A figure summing those counts elsewhere (the
    deaths of a rate) must be masked for those years, or a subtraction would undo the mask."""
    return {
        key[0]
        for i, key in enumerate(period_keys)
        if key[0] is not None and any(is_masked(i, j) for j in columns)
    }
