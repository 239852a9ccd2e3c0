"""PostgreSQL's plan of a queryset, for the tests that an index serves a page's query."""

from django.db import connection


def plan_of(queryset, *, forbid=("seqscan", "sort")) -> str:
    """EXPLAIN of the queryset with these plan methods turned off for it: a few test rows are
    read sequentially and sorted whatever the indexes, so forbidding that shows whether an
    index can serve the query (in its order, when sorting is forbidden)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for method in forbid:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        for method in forbid:
            cursor.execute(f"SET LOCAL enable_{method} = on")
    return plan
