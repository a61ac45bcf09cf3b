"""Response headers every page carries."""

from flask import Flask, Response, g, request

CSP = "; ".join([
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
])


def _for_a_member() -> bool:
    """Whether this response was made for a signed-in member (and so may hold their personal
    pages, names, notifications or moderation work): never kept by a browser or proxy cache.

    Only a response that looked at who is signed in can depend on it, so the user is not
    loaded here just to decide; static files are the same for everyone and stay cacheable.
    """
    if request.endpoint == "static":
        return False
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # A view that chose its own caching (a feed: the same for everyone, whoever asks)
        # keeps it, even when a member's browser asked.
        chosen = response.cache_control.public or response.cache_control.private
        if _for_a_member() and not chosen:
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
