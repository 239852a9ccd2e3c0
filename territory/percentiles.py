"""Median and 90th percentile of a delay: PostgreSQL's percentile_cont in the aggregate query;
elsewhere (SQLite, the demo database) the same interpolation over one sorted integer column."""

import math

from django.db.models import Aggregate, FloatField


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression), PostgreSQL only."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_cont(sorted_values: list[int], fraction: float) -> float | None:
    """The value at `fraction` of sorted values, interpolated linearly as percentile_cont does."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    low_value, high_value = sorted_values[low], sorted_values[high]
    return float(low_value + (high_value - low_value) * (position - low))
