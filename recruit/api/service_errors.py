"""Turn the domain services' refusals into API errors: fields → 422, state → 409."""

from recruit.api.errors import ApiError

#: The Chinese field labels the services put before "：", and the API field each names.
FIELD_NAMES = {
    "参会岗位": "offers",
    "结果": "outcome",
    "日期": "on",
    "更正原因": "reason",
    "取消原因": "reason",
    "人数": "count",
    "来源": "source",
    "不通过原因": "note",
    "退回原因": "note",
    "审核意见": "note",
    "岗位": "position_id",
    "姓名": "seeker_name",
    "手机号": "seeker_phone",
    "身份证号": "seeker_id_number",
    "性别": "gender",
    "学历": "education",
    "重点群体": "priority_groups",
    "举办地区": "region_code",
    "结束时间": "ends_at",
    "报名截止时间": "registration_deadline",
    "展位数量": "booth_capacity",
    "展位号": "booth",
}


#: Phrases that mean the input is fine but clashes with a record that exists: 409, not 422.
CONFLICT_MARKERS = ("已分配给", "已登记过", "已在本场")


def refusal(error: Exception) -> ApiError:
    """Map a service's ValueError to 422 (a field is wrong) or 409 (the state forbids it)."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict) and any(errors):
        fields = {name or "_schema": [message] for name, message in errors.items()}
        return ApiError(422, None, fields)
    message = str(error)
    label, sep, _rest = message.partition("：")
    if sep and label in FIELD_NAMES:
        status = 409 if any(marker in message for marker in CONFLICT_MARKERS) else 422
        return ApiError(status, message, {FIELD_NAMES[label]: [message]})
    if sep and label.startswith("参会岗位"):
        return ApiError(422, message, {"offers": [message]})
    return ApiError(409, message)
