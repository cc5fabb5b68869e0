"""Read what each door answered, in the same words for every door.

A page answers with a status, a redirect and a flashed message, or a form shown again with its
fields marked; the API with a status and JSON; a `flask` command with its exit code and what it
printed ("错误：…" for a refusal). Each is read into an Answer: its kind, the messages the person
reads, the fields a refusal names, and the whole text shown.
"""

import html
import json
import re
from dataclasses import dataclass
from typing import Any

#: API statuses and what they mean to the person who asked.
API_KINDS = {
    200: "ok",
    201: "created",
    204: "ok",
    422: "invalid",
    409: "conflict",
    404: "not_found",
    403: "forbidden",
    401: "signin",
}

_FLASH = re.compile(r'class="alert alert-(\w+)[^"]*"[^>]*>(.*?)<', re.S)
_FIELD_ERROR = re.compile(r'class="invalid-feedback[^"]*">(.*?)<', re.S)
_INVALID_CONTROL = re.compile(r"<(?:input|select|textarea)\b[^>]*\bis-invalid\b[^>]*>")
_NAME = re.compile(r'\bname="([^"]+)"')
_ERROR_FOR = re.compile(r'data-error-for="([^"]*)"')
_REFUSAL = "错误："


@dataclass(frozen=True)
class Answer:
    """What one door answered.

    `kind` is ok / created / refused / invalid / conflict / not_found / forbidden / signin:
    the API tells a refusal's invalid from conflict, a page or a command only says refused.
    """

    door: str
    kind: str
    messages: tuple[str, ...] = ()
    #: The fields a refusal names, top level only ("offers.0.openings" → "offers").
    fields: frozenset[str] = frozenset()
    #: Everything the door showed, as the person reads it.
    text: str = ""
    #: The JSON the door answered with (API body, a command's --format json), if any.
    data: Any = None


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def api_answer(response) -> Answer:
    """Read an API response: 2xx done, 422/409 refused, 404 not found, 403 forbidden."""
    status = response.status_code
    kind = API_KINDS.get(status, f"http_{status}")
    body = response.get_json(silent=True)
    text = (
        json.dumps(body, ensure_ascii=False)
        if body is not None
        else response.get_data(as_text=True)
    )
    if status < 300:
        return Answer("api", kind, text=text, data=body)
    body = body or {}
    errors = body.get("errors") or {}
    messages = [body.get("message") or ""]
    for values in errors.values():
        messages.extend(values)
    fields = frozenset(_top(name) for name in errors if name != "_schema")
    return Answer("api", kind, tuple(m for m in messages if m), fields, text, body)


def page_answer(client, response) -> Answer:
    """Read a page response, following one redirect to find the message it flashed.

    A 404, and the 410 of a record that was public once, are both "not found": the page
    explains why, the API says no; neither shows the record.
    """
    status = response.status_code
    text = response.get_data(as_text=True)
    if status in (404, 410):
        return Answer("page", "not_found", text=text)
    if status == 403:
        return Answer("page", "forbidden", text=text)
    if status in (301, 302, 303):
        if "/login" in response.location:
            return Answer("page", "signin", text=text)
        response = client.get(response.location)
        text += response.get_data(as_text=True)
    shown = response.get_data(as_text=True)
    flashes = [(kind, html.unescape(message).strip()) for kind, message in _FLASH.findall(shown)]
    errors = [html.unescape(message).strip() for message in _FIELD_ERROR.findall(shown)]
    fields = {_NAME.search(tag).group(1) for tag in _INVALID_CONTROL.findall(shown)}
    fields |= {name for name in _ERROR_FOR.findall(shown) if name}
    refused = [m for kind, m in flashes if kind in ("danger", "warning")] + errors
    fields = frozenset(_top(name) for name in fields)
    if refused or fields:
        return Answer("page", "refused", tuple(refused), fields, text)
    if response.status_code >= 400:
        return Answer("page", f"http_{response.status_code}", text=text)
    done = tuple(m for kind, m in flashes if kind == "success")
    return Answer("page", "ok", done, text=text)


def command_answer(result) -> Answer:
    """Read a `flask` command's run: exit 0 done, exit 1 refused with what it printed."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    output = result.output
    if result.exit_code == 0:
        data = json.loads(output) if output.lstrip().startswith("{") else None
        return Answer("command", "ok", text=output, data=data)
    if result.exit_code != 1:
        return Answer("command", f"exit_{result.exit_code}", text=output)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    said = [line.removeprefix(_REFUSAL) for line in lines if line.startswith(_REFUSAL)]
    return Answer("command", "refused", tuple(said or lines), text=output)
