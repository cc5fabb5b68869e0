"""HTTP hardening: security headers, proxy and host settings."""

from flask import Flask, Request, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: No inline script anywhere: every script is a file served by this app.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes are kept for server-drawn SVG charts; styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security(app: Flask) -> None:
    """Add the security headers to every response and apply the proxy settings."""
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def refuse_nul_characters():
        # No text the app stores may hold U+0000: PostgreSQL refuses it, and no person types it.
        if _has_nul(request):
            abort(400, description="请求中含有非法字符（U+0000）。")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def _has_nul(req: Request) -> bool:
    if any("\x00" in key or "\x00" in value for key, value in req.args.items(multi=True)):
        return True
    if req.mimetype == "application/json":
        raw = req.get_data(cache=True)
        return b"\\u0000" in raw or b"\x00" in raw
    if req.mimetype == "application/x-www-form-urlencoded":
        return any("\x00" in k or "\x00" in v for k, v in req.form.items(multi=True))
    return "\x00" in req.path
