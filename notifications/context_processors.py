from rmm.querysets import KeyedQuery

from .models import Notification

# The badge says "99+" beyond this: nobody reads a larger number, and counting thousands of
# unread rows (someone back from leave) cost 3 ms on every page they opened.
BADGE_CAP = 99


# At most BADGE_CAP + 1 of the user's unread ids, unsorted (the notifications' default order
# made PostgreSQL sort thousands of rows to count a hundred): a statement compiled once.
UNREAD_IDS = KeyedQuery(
    lambda key: (
        Notification.objects.unread()
        .filter(recipient_id=key)
        .order_by()
        .values_list("pk", flat=True)[: BADGE_CAP + 1]
    )
)


def unread(request):
    """The unread count of the navigation badge (at most BADGE_CAP + 1 ids read on an index,
    pages with a user), counted once per request: a page that renders partials with the
    request runs the context processors again for each of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, "_rmm_unread_notifications", None)
    if count is None:
        count = len(UNREAD_IDS.rows(user.pk))
        request._rmm_unread_notifications = count
    return {"unread_notifications": count, "unread_over_cap": count > BADGE_CAP}
