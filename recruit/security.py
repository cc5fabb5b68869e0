"""HTTP hardening: security headers, proxy and host settings, and the guard on what requests carry.

Every request passes one guard before any page or API handler reads it: text in the query
string, a form or a JSON body may not hold control characters, lone surrogates or the
noncharacters U+FFFE/U+FFFF; a JSON body may nest at most MAX_JSON_DEPTH deep and hold only
finite numbers; integers read from the query string stay inside what a database INTEGER holds.
A refusal names the field: a page answers 400 with the message, the API 422 (a field) or 400
(the body as a whole) with its usual JSON error. An address holding such a character names
nothing: 404.
"""

import json
import math
import re

from flask import Flask, Request, Response, render_template, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

from recruit.api.errors import ApiError, api_error_response
from recruit.converters import MAX_ID
from recruit.validators import CONTROL_CHARACTERS

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

#: How deep a JSON body may nest (objects and arrays); the API's own documents nest four deep.
MAX_JSON_DEPTH = 32
#: The largest page number a list answers (the API documents the same bound).
MAX_PAGE = 100_000
#: Characters no text may carry: C0 controls except tab and newline, lone surrogates (UTF-16
#: halves no encoder can write; PostgreSQL and every exporter refuse them) and U+FFFE/U+FFFF.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
#: In form posts a carriage return is allowed too: browsers send a textarea's lines as CR LF.
#: The text-field rule's own set (read_text refuses the same in services).
FORBIDDEN_IN_FORMS = CONTROL_CHARACTERS
#: Query parameters that choose a page of a list on the pages (page, per_page, mine_page …).
_PAGING = re.compile(r"^(?:\w+_)?page$")


class BoundedArgs(ImmutableMultiDict):
    """Query or form values whose `get(name, type=int)` never yields more than an id can be.

    A number no INTEGER column holds (page=9223372036854775808) reads as absent, the same as
    one that does not parse: the page shows its default instead of failing in the database.
    """

    def get(self, key, default=None, type=None):
        """Return the value converted by `type`; an out-of-range integer is the default."""
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
            return default
        return value


class GuardedRequest(Request):
    """The app's request: bounded integer arguments, and page numbers that always make sense."""

    parameter_storage_class = BoundedArgs

    @cached_property
    def args(self) -> BoundedArgs:
        """Return the query arguments; on pages a nonsense page number reads as absent (page 1).

        Flask-SQLAlchemy's paginate reads `page` itself with int(), so the bound is applied to
        the value. The API keeps what was sent: it refuses a page outside 1…MAX_PAGE (422).
        """
        args = Request.args.fget(self)  # werkzeug's parsing, without its cache
        if self.path.startswith("/api/"):
            return args
        kept = [
            (key, value)
            for key, value in args.items(multi=True)
            if not _PAGING.match(key) or _page_number(value)
        ]
        return self.parameter_storage_class(kept)


def _page_number(value: str) -> bool:
    text = value.strip()
    return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PAGE


class Refused(Exception):
    """A request the guard turns away: the message, the field (None for the whole body)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def init_security(app: Flask) -> None:
    """Add the security headers to every response, guard every request, apply proxy settings."""
    app.request_class = GuardedRequest
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def guard_request_text():
        """Refuse text no person types before any handler reads it (one place, every door)."""
        try:
            check_request(request)
        except Refused as refusal:
            return _refusal_response(refusal)
        return None

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


def check_request(req: Request) -> None:
    """Raise Refused for a forbidden character anywhere in the request's text, or a bad body.

    An address holding one names nothing (no stored name or code can hold it): NotFound.
    """
    if FORBIDDEN_CHARACTERS.search(req.path):
        raise NotFound()
    for key, value in req.args.items(multi=True):
        _check_pair(key, value, FORBIDDEN_CHARACTERS)
    if req.is_json:
        _check_json(req.get_data(cache=True))
    elif req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in req.form.items(multi=True):
            _check_pair(key, value, FORBIDDEN_IN_FORMS)


def _check_pair(key: str, value: str, forbidden: re.Pattern) -> None:
    if forbidden.search(key):
        raise Refused("请求中的参数名含有不允许的字符。", "_schema")
    _check_text(key, value, forbidden)


def _check_text(field: str, text: str, forbidden: re.Pattern, label: str = "") -> None:
    """Refuse text holding a forbidden character, naming the field and the character."""
    match = forbidden.search(text)
    if match is not None:
        code = f"U+{ord(match.group()):04X}"
        raise Refused(f"{label or field}：含有不允许的字符（{code}），请删除后重试。", field)


def _check_json(raw: bytes) -> None:
    """Parse the body once here, so no handler meets a document it cannot take."""
    if not raw.strip():
        return
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise Refused(_too_deep()) from None
    except Refused:
        raise
    except ValueError:
        raise Refused("请求内容不是有效的 JSON（须为 UTF-8 编码）。") from None
    _check_document(document)


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON; Python's parser takes them unless told otherwise.
    raise Refused(f"请求内容不是有效的 JSON：不支持 {name}。")


def _too_deep() -> str:
    return f"请求内容嵌套过深：JSON 最多嵌套 {MAX_JSON_DEPTH} 层。"


def _check_document(document) -> None:
    """Walk the parsed body without recursion: its depth, its numbers, every key and string."""
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        # A field is named by its path (items.3.seeker_name); the body as a whole is _schema.
        field, label = (path, path) if path else ("_schema", "请求内容")
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise Refused(_too_deep())
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                if isinstance(key, str) and FORBIDDEN_CHARACTERS.search(key):
                    # Not echoed: the name itself is what cannot be shown.
                    raise Refused(f"{label}：字段名含有不允许的字符。", field)
                name = f"{path}.{key}" if path else str(key)
                stack.append((child, name, depth + 1))
        elif isinstance(value, str):
            _check_text(field, value, FORBIDDEN_CHARACTERS, label)
        elif isinstance(value, float) and not math.isfinite(value):
            raise Refused(f"{label}：数值超出范围。", field)


def _refusal_response(refusal: Refused):
    if request.path.startswith("/api/"):
        if refusal.field is None:
            return api_error_response(ApiError(400, refusal.message))
        errors = {refusal.field: [refusal.message]}
        return api_error_response(ApiError(422, refusal.message, errors))
    page = render_template("errors/generic.html", code=400, message=refusal.message)
    return page, 400
