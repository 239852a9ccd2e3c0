from .models import Notification


def unread(request):
    """The unread count of the navigation badge (one COUNT on an index, pages with a user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.unread().filter(recipient=user).count()}
