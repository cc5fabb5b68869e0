"""JSON errors for the API: a stable code, a Chinese message and the fields at fault."""

import re

from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from recruit.errors import ServiceError

#: HTTP status → (stable code, default Chinese message).
ERROR_CODES = {
    400: ("bad_request", "请求格式有误。"),
    401: ("unauthorized", "需要有效的访问令牌（Authorization: Bearer …）。"),
    403: ("forbidden", "当前账号无权执行此操作。"),
    404: ("not_found", "资源不存在。"),
    405: ("method_not_allowed", "不支持此请求方法。"),
    409: ("conflict", "数据已被他人修改或与现有记录冲突，请刷新后重试。"),
    410: ("gone", "请求的内容已不再提供。"),
    413: ("too_large", "请求内容过大。"),
    415: ("unsupported_media_type", "请求内容类型不受支持，请使用 application/json。"),
    422: ("validation_error", "提交的数据有误，请按字段说明修改。"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试。"),
    500: ("server_error", "系统暂时出错，操作没有生效，请稍后重试。"),
}

# marshmallow and webargs speak English; the API answers in Chinese.
_EXACT = {
    "Missing data for required field.": "必填。",
    "Field may not be null.": "不能为空。",
    "Unknown field.": "不认识的字段。",
    "Not a valid string.": "须为文本。",
    "Not a valid integer.": "须为整数。",
    "Not a valid number.": "须为数字。",
    "Not a valid boolean.": "须为 true 或 false。",
    "Not a valid date.": "日期格式应为 YYYY-MM-DD。",
    "Not a valid datetime.": "时间格式应为 ISO 8601，如 2026-03-05T09:00:00+08:00。",
    "Not a valid list.": "须为列表。",
    "Invalid input type.": "数据类型不正确。",
    "Invalid value.": "取值无效。",
    "Shorter than minimum length 1.": "不能为空。",
}
_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), "须为以下之一：{0}。"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "不能小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "不能大于 {0}。"),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "须在 {0} 到 {1} 之间。",
    ),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "不能超过 {0} 个字符。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 个字符。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度须在 {0} 到 {1} 之间。"),
]


def translate(message: str) -> str:
    """Return the Chinese for a marshmallow/webargs message; Chinese passes through."""
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """Flatten webargs' {location: {field: [msgs]}} and nested schemas to {"a.b": [msgs]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if not prefix and key in ("json", "query", "form", "files", "headers", "path"):
                name = ""
            flat.update(_flatten(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            flat.setdefault(prefix or "_schema", []).extend(translate(m) for m in messages)
        else:
            for item in messages:
                flat.update(_flatten(item, prefix))
    elif isinstance(messages, str):
        flat.setdefault(prefix or "_schema", []).append(translate(messages))
    return flat


class ErrorSchema(Schema):
    status = fields.Integer(metadata={"description": "HTTP 状态码"})
    code = fields.String(metadata={"description": "稳定的错误代码，如 validation_error"})
    message = fields.String(metadata={"description": "中文说明"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "出错的字段及原因"},
    )


class ApiError(HTTPException):
    """An API refusal with a Chinese message and, optionally, the fields at fault."""

    def __init__(
        self, status: int, message: str | None = None, errors=None, code=None, headers=None
    ):
        super().__init__(description=message)
        self.code = status
        self.data = {
            "message": message,
            "errors": errors or {},
            "error_code": code,
            "headers": headers or {},
        }


def api_error_response(error: HTTPException):
    """Build the JSON response for any HTTP error raised under /api/."""
    status = error.code or 500
    code, default_message = ERROR_CODES.get(status, ("error", "请求未能完成。"))
    data = getattr(error, "data", None) or {}
    errors = _flatten(data.get("errors") or data.get("messages") or {})
    # abort(status, description="…") carries a Chinese description of its own.
    own = error.description if error.description != type(error).description else None
    message = data.get("message") or own or default_message
    body = {
        "status": status,
        "code": data.get("error_code") or code,
        "message": message,
        "errors": errors,
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    # A 405 names the methods the resource does take (RFC 9110); werkzeug knows them.
    for name, value in error.get_headers():
        if name == "Allow":
            response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="recruit"'
    return response


def service_error_response(error: ServiceError):
    """Answer a service's refusal by its type: 422, 409, 404 or 403, naming the fields."""
    fields = {name or "_schema": [message] for name, message in error.errors.items()}
    headers = getattr(error, "headers", None)
    return api_error_response(ApiError(error.status, error.message, fields, headers=headers))
