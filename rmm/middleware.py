"""Security headers Django 5.2 does not set by itself. The Content-Security-Policy allows only
our own origin: Bootstrap is served locally and templates carry no inline script or style."""

import time

from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages of a signed-in user may hold case data: no shared or browser cache keeps them.
            add_never_cache_headers(response)
        return response


class SessionIdleRefreshMiddleware:
    """Keeps a signed-in session alive while it is used, without writing it on every request.

    The session expires RMM_SESSION_IDLE_MINUTES after its last save (SESSION_COOKIE_AGE).
    Saving it on every request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE and a COMMIT on
    the cheapest page; instead the last refresh time is kept in the session and the session
    is saved only when that time is more than RMM_SESSION_REFRESH_SECONDS old. An idle session
    therefore expires between the idle time minus that interval and the idle time exactly
    after its last request: never later. Placed right after SessionMiddleware, so that its
    response phase runs before the session is saved.
    """

    KEY = "_rmm_refreshed_at"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.interval = settings.RMM_SESSION_REFRESH_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        # Reading loads a session whose cookie was sent (the sign-in check reads it anyway);
        # without a cookie, nothing is queried and nothing is created.
        refreshed_at = session.get(self.KEY)
        if session.is_empty():
            return response
        now = int(time.time())
        if session.modified or refreshed_at is None or now - refreshed_at >= self.interval:
            session[self.KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
