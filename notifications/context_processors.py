from .models import Notification

# The badge says "99+" beyond this: nobody reads a larger number, and counting thousands of
# unread rows (someone back from leave) cost 3 ms on every page they opened.
BADGE_CAP = 99


def unread(request):
    """The unread count of the navigation badge (a COUNT of at most BADGE_CAP + 1 rows on an
    index, pages with a user), counted once per request: a page that renders partials with the
    request runs the context processors again for each of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, "_rmm_unread_notifications", None)
    if count is None:
        unread = Notification.objects.unread().filter(recipient=user).order_by()  # no sort
        count = unread[: BADGE_CAP + 1].count()
        request._rmm_unread_notifications = count
    return {"unread_notifications": count, "unread_over_cap": count > BADGE_CAP}
