"""The audit log in words: what each action and each summary key means to the person reading."""

from typing import Any

from recruit.db_types import LabelledEnum
from recruit.employers.models import EmployerStatus
from recruit.fairs.models import FairStatus, ParticipationStatus, TallySource
from recruit.hires.models import Outcome, StepKind
from recruit.positions.models import PositionStatus

#: Actions by name; a status change reads as its verb ("fair.open" → 开放报名 …).
ACTION_LABELS = {
    "api_token.create": "生成接口令牌",
    "api_token.revoke": "撤销接口令牌",
    "channel.sync": "立即同步",
    "channel.update": "修改渠道设置",
    "channel_posting.retry": "重试渠道条目",
    "employer.register": "企业注册",
    "employer.approved": "企业审核通过",
    "employer.rejected": "企业审核不通过",
    "employer.suspended": "暂停企业",
    "employer.profile_update": "修改单位资料",
    "employer.change_request": "申请变更企业名称/信用代码/地区",
    "employer.change_withdraw": "撤回企业信息变更",
    "employer.change_approved": "企业信息变更审核通过",
    "employer.change_rejected": "企业信息变更审核不通过",
    "employer.invite": "邀请同事",
    "employer.invitation_revoke": "撤销邀请",
    "employer.invitation_accept": "接受邀请开通账号",
    "employer.member_role": "修改同事权限",
    "employer.member_remove": "移除同事账号",
    "employer.member_sessions_end": "移除同事后退出其所有设备",
    "fair.create": "新建招聘会",
    "fair.update": "修改招聘会",
    "fair.open": "开放报名",
    "fair.planned": "停止报名",
    "fair.held": "开始举办",
    "fair.cancelled": "取消招聘会",
    "fair.close": "结束招聘会",
    "fair.correct_region": "更正举办地区",
    "fair.tally": "入场计数",
    "hire.register": "登记就业意向",
    "hire.bulk": "批量登记就业意向",
    "hire.import": "导入就业意向",
    "hire.export": "导出就业意向（含个人信息）",
    "hire.view_pii": "查看求职者联系方式",
    "hire.outcome": "登记意向结果",
    "hire.step": "登记意向结果记录",
    "hire.step_void": "作废意向结果记录（更正）",
    "hire.purge_pii": "清除过期个人信息",
    "participation.add": "加入参会企业",
    "participation.readd": "重新加入参会企业",
    "participation.request": "企业报名招聘会",
    "participation.approve": "通过参会报名",
    "participation.reject": "不通过参会报名",
    "participation.withdraw": "撤回参会",
    "participation.booth": "分配展位",
    "participation.positions": "设置参会岗位",
    "participation.check_in": "企业签到",
    "participation.undo_check_in": "撤销签到",
    "participation.no_show": "记为未到场",
    "position.create": "新建岗位",
    "position.update": "修改岗位",
    "position.duplicate": "复制岗位",
    "position.screening": "岗位文本筛查",
    "position.screening_override": "审核通过被提示的岗位",
    "position.pending": "岗位提交审核",
    "position.open": "岗位发布",
    "position.draft": "岗位退回草稿",
    "position.closed": "关闭岗位",
    "position.filled": "岗位已招满",
    "position.expired": "岗位过期",
    "user.create": "新建用户",
    "user.login": "登录",
    "user.reauth": "再次输入密码",
    "user.password_change": "修改密码",
    "user.password_reset_sent": "发送重置密码验证码或链接",
    "user.password_reset_completed": "通过验证码或链接重置密码",
    "user.contact_update": "修改手机号或邮箱",
    "user.contact_code_sent": "发送手机号或邮箱验证",
    "user.contact_verified": "验证手机号或邮箱",
    "user.notifications": "修改消息通知设置",
    "notification.retry": "重发发送失败的消息",
}

#: Summary keys in the reader's words.
KEY_LABELS = {
    "template": "消息模板",
    "after": "修改后",
    "before": "修改前",
    "blocks": "疑似限制",
    "booth": "展位",
    "by_staff": "工作人员发起",
    "channel": "方式",
    "channels": "方式",
    "channel_id": "渠道",
    "count": "数量",
    "days": "有效天数",
    "dry_run": "试运行",
    "employer_id": "企业编号",
    "explanation": "企业说明",
    "fair": "招聘会编号",
    "fair_id": "招聘会编号",
    "fields": "字段",
    "change": "变更申请编号",
    "invitation": "邀请编号",
    "invited_by": "邀请人编号",
    "replaces": "作废的邀请",
    "uscc": "统一社会信用代码",
    "region_code": "所在地区",
    "address": "单位地址",
    "size": "企业规模",
    "industry_chain": "所属产业链",
    "sessions": "结束的会话",
    "tokens": "撤销的令牌",
    "from": "复制自",
    "ids": "编号",
    "imported": "条数",
    "months": "保留月数",
    "name": "名称",
    "no_show": "未到场",
    "attended": "到场",
    "on": "日期",
    "outcome": "结果",
    "phrases": "提示内容",
    "position_id": "岗位编号",
    "positions": "岗位编号",
    "purpose": "用途",
    "reason": "原因",
    "revision": "版本",
    "role": "角色",
    "rows": "行数",
    "run": "运行编号",
    "source": "来源",
    "status": "状态",
    "step": "步骤",
    "step_id": "记录编号",
    "milestone": "回访节点（天）",
    "summary": "摘要",
    "title": "名称",
    "username": "用户名",
    "warnings": "提醒",
}

#: Keys whose list is a set of things, never a before → after pair.
LIST_KEYS = frozenset({"positions", "ids", "fields", "blocks", "warnings", "phrases", "channels"})


#: The code list a "status" value belongs to, by the audited object's table.
STATUS_ENUMS = {
    "fairs": FairStatus,
    "positions": PositionStatus,
    "participations": ParticipationStatus,
    "employers": EmployerStatus,
}
#: Code lists of keys that mean the same whatever the object.
VALUE_ENUMS = {"outcome": Outcome, "source": TallySource, "step": StepKind}


def action_label(action: str) -> str:
    """Return the Chinese name of an audited action (the code itself when unnamed)."""
    return ACTION_LABELS.get(action, action)


def _value(value: Any, codes: type[LabelledEnum] | None = None) -> str:
    if codes is not None and isinstance(value, str):
        try:
            return codes(value).label
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return "、".join(_value(v, codes) for v in value) or "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "（空）"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, dict):
        return "；".join(f"{KEY_LABELS.get(k, k)} {_value(v)}" for k, v in value.items())
    return str(value)


def describe(summary: dict[str, Any], object_type: str = "") -> list[tuple[str, str]]:
    """Return (label, text) pairs for an entry's summary: pairs as "before → after"."""
    rows = []
    for key, value in (summary or {}).items():
        label = KEY_LABELS.get(key, key)
        codes = STATUS_ENUMS.get(object_type) if key == "status" else VALUE_ENUMS.get(key)
        if isinstance(value, list | tuple) and len(value) == 2 and key not in LIST_KEYS:
            text = f"{_value(value[0], codes)} → {_value(value[1], codes)}"
        else:
            text = _value(value, codes)
        rows.append((label, text))
    return rows
