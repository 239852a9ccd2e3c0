from .models import Notification


def unread(request):
    """The unread count of the navigation badge (one COUNT on an index, pages with a user),
    counted once per request: a page that renders partials with the request runs the context
    processors again for each of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, "_rmm_unread_notifications", None)
    if count is None:
        count = Notification.objects.unread().filter(recipient=user).count()
        request._rmm_unread_notifications = count
    return {"unread_notifications": count}
