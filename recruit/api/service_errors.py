"""Turn the domain services' refusals into API errors: fields → 422, state → 409."""

from recruit.api.errors import ApiError

FIELD_NAMES = {
    "参会岗位": "offers",
    "结果": "outcome",
    "日期": "on",
}


def refusal(error: Exception) -> ApiError:
    """Map a service's ValueError to 422 (a field is wrong) or 409 (the state forbids it)."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict) and any(errors):
        fields = {name or "_schema": [message] for name, message in errors.items()}
        return ApiError(422, None, fields)
    message = str(error)
    label, sep, _rest = message.partition("：")
    if sep and label in FIELD_NAMES:
        return ApiError(422, message, {FIELD_NAMES[label]: [message]})
    if sep and label.startswith("参会岗位"):
        return ApiError(422, message, {"offers": [message]})
    return ApiError(409, message)
