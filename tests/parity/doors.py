"""Run one request through a door and say what came of it, in the same words for every door.

A page answers with a status, a redirect and a flashed message, or a form shown again with its
errors; the API with a status and JSON. Both are read into an Outcome: ok, refused (with the API's
finer invalid / conflict kept), not_found or forbidden, plus the message the person reads.
"""

import html
import re
from dataclasses import dataclass

#: API statuses and what they mean to the person who asked.
API_KINDS = {422: "invalid", 409: "conflict", 404: "not_found", 403: "forbidden", 401: "signin"}

_FLASH = re.compile(r'class="alert alert-(\w+)[^"]*"[^>]*>(.*?)<', re.S)
_FIELD_ERROR = re.compile(r'class="invalid-feedback[^"]*">(.*?)<', re.S)


@dataclass(frozen=True)
class Outcome:
    kind: str
    #: The API's finer kind of a refusal (invalid / conflict); None for pages.
    detail: str | None = None
    messages: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return self.kind == "refused"


def api_outcome(response) -> Outcome:
    """Read an API response: 2xx ok, 422/409 refused, 404 not found, 403 forbidden."""
    status = response.status_code
    if status < 300:
        return Outcome("ok")
    kind = API_KINDS.get(status, f"http_{status}")
    body = response.get_json() or {}
    messages = [body.get("message") or ""]
    for values in (body.get("errors") or {}).values():
        messages.extend(values)
    if kind in ("invalid", "conflict"):
        return Outcome("refused", kind, tuple(m for m in messages if m))
    return Outcome(kind, None, tuple(m for m in messages if m))


def page_outcome(client, response) -> Outcome:
    """Read a page response, following one redirect to find the message it flashed.

    A 404, and the 410 of a record that was public once, are both "not found": the page
    explains why, the API says no; neither shows the record.
    """
    status = response.status_code
    if status in (404, 410):
        return Outcome("not_found")
    if status == 403:
        return Outcome("forbidden")
    if status in (301, 302, 303):
        if "/login" in response.location:
            return Outcome("signin")
        response = client.get(response.location)
    text = response.get_data(as_text=True)
    flashes = [(kind, html.unescape(message).strip()) for kind, message in _FLASH.findall(text)]
    errors = [html.unescape(message).strip() for message in _FIELD_ERROR.findall(text)]
    refused = [m for kind, m in flashes if kind in ("danger", "warning")] + errors
    if refused:
        return Outcome("refused", None, tuple(refused))
    if response.status_code >= 400:
        return Outcome(f"http_{response.status_code}")
    return Outcome("ok", None, tuple(m for kind, m in flashes if kind == "success"))
