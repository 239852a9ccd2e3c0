from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """The unread count of the navigation badge (one COUNT, only on pages that show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.unread().filter(recipient=user).count()
        )
    }
