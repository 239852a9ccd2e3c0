"""Small-cell suppression for tables shared outside the organisations (pure functions).

Rule (written at the top of the aggregated export too):
1. primary suppression: every count from 1 to 4 is masked (0 is shown: it identifies no one);
2. complementary suppression: a table is a set of lines, each line a group of cells with its
   published total (a row with its row total, a column with its column total, the row totals
   and the column totals with the grand total). Whenever a line holds exactly one masked entry,
   that entry could be recomputed by subtraction, so the smallest other non-zero cell of the
   line is masked too (or, when the line has none, its total); this is repeated until no line
   holds exactly one masked entry.
Masked entries are all written the same way, so that a reader cannot tell a small count from
one masked only to protect it.
"""

from collections.abc import Hashable

SMALL_MIN, SMALL_MAX = 1, 4
MASK = "s"


def is_small(value: int) -> bool:
    return SMALL_MIN <= value <= SMALL_MAX


def suppress(
    values: dict[Hashable, int], lines: list[list[Hashable]], totals: set[Hashable]
) -> set[Hashable]:
    """The keys of `values` to mask: primary (1-4), then complementary, line by line."""
    masked = {key for key, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [key for key in line if key in masked]
            if len(hidden) != 1:
                continue
            candidates = [key for key in line if key not in masked and key not in totals]
            non_zero = [key for key in candidates if values[key] > 0]
            line_totals = [key for key in line if key in totals and key not in masked]
            if non_zero:
                choice = min(non_zero, key=lambda key: (values[key], str(key)))
            elif line_totals:
                choice = line_totals[0]
            elif candidates:
                choice = min(candidates, key=str)
            else:
                continue
            masked.add(choice)
            changed = True
    return masked


def cross_table_masks(cells: list[list[int]]) -> tuple[set, list[int], list[int], int]:
    """Masks of a table with row totals, column totals and a grand total.

    Keys: ("cell", i, j), ("row", i), ("col", j), ("grand",). Returns (masked keys, row totals,
    column totals, grand total)."""
    row_totals = [sum(row) for row in cells]
    width = len(cells[0]) if cells else 0
    column_totals = [sum(row[j] for row in cells) for j in range(width)]
    grand = sum(row_totals)
    values: dict[Hashable, int] = {("grand",): grand}
    lines: list[list[Hashable]] = []
    for i, row in enumerate(cells):
        values[("row", i)] = row_totals[i]
        for j, value in enumerate(row):
            values[("cell", i, j)] = value
        lines.append([*(("cell", i, j) for j in range(width)), ("row", i)])
    for j in range(width):
        values[("col", j)] = column_totals[j]
        lines.append([*(("cell", i, j) for i in range(len(cells))), ("col", j)])
    lines.append([*(("row", i) for i in range(len(cells))), ("grand",)])
    lines.append([*(("col", j) for j in range(width)), ("grand",)])
    totals = {key for key in values if key[0] != "cell"}
    return suppress(values, lines, totals), row_totals, column_totals, grand


def list_masks(counts: list[int]) -> tuple[set, int]:
    """Masks of a one-way table with its total. Keys: ("cell", i), ("grand",)."""
    values: dict[Hashable, int] = {("cell", i): value for i, value in enumerate(counts)}
    total = sum(counts)
    values[("grand",)] = total
    line = [*(("cell", i) for i in range(len(counts))), ("grand",)]
    return suppress(values, [line], {("grand",)}), total


def shown(value: int, key: Hashable, masked: set) -> str:
    return MASK if key in masked else str(value)
