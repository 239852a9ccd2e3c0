"""Batched inserts, and the one place where audit rows get a time of our choosing."""

import contextlib

BATCH = 5000


def bulk(model, rows, batch: int = BATCH) -> list:
    """bulk_create in batches; returns the rows with their primary keys."""
    created = []
    for start in range(0, len(rows), batch):
        created += model.objects.bulk_create(rows[start : start + batch])
    return created


@contextlib.contextmanager
def backdated(*fields_of):
    """Rows that take their time on insert (`auto_now_add`: audit records, reviews, minutes)
    get the time the invented history says instead. INSERT stays the only operation on the
    audit tables (their append-only triggers allow it). `fields_of`: (model, field name)."""
    fields = [model._meta.get_field(name) for model, name in fields_of]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True
