"""The navigation bar: which links each role sees."""

from dataclasses import dataclass

from flask import current_app, url_for
from flask_login import current_user

from recruit.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    #: Roles that see the link; empty means everyone, signed in or not.
    roles: tuple[Role, ...] = ()


#: Links appear once their endpoint exists, so a domain shows up in the bar when it lands.
NAV_ITEMS = (
    NavItem("招聘会", "fairs.index"),
    NavItem("岗位", "positions.search"),
    NavItem("管理工作台", "manage.index", (Role.ADMIN, Role.ORGANIZER)),
    NavItem("审核", "manage.review", (Role.ADMIN, Role.ORGANIZER)),
    NavItem("待回访", "manage.callbacks_list", (Role.ADMIN, Role.ORGANIZER)),
    NavItem("企业中心", "employer.index", (Role.EMPLOYER,)),
    NavItem("统计报表", "reports.index", (Role.ADMIN, Role.ORGANIZER, Role.VIEWER)),
    NavItem("渠道同步", "channels.index", (Role.ADMIN, Role.ORGANIZER)),
    NavItem("用户", "admin.users", (Role.ADMIN,)),
    NavItem("企业账号", "auth.staff_accounts", (Role.ORGANIZER,)),
    NavItem("企业管理", "admin.employers", (Role.ADMIN,)),
    NavItem("审计日志", "admin.audit", (Role.ADMIN,)),
    NavItem("发件箱", "notify.outbox", (Role.ADMIN,)),
)


def nav_items() -> list[NavItem]:
    """Return the links the current user may see, among those the app has."""
    views = current_app.view_functions
    items = []
    for item in NAV_ITEMS:
        if item.endpoint not in views:
            continue
        if item.roles and not (
            current_user.is_authenticated and current_user.has_role(*item.roles)
        ):
            continue
        items.append(item)
    return items


#: Where each role starts after signing in: its own workspace, not the public home page.
WORKSPACES = {
    Role.ADMIN: "manage.index",
    Role.ORGANIZER: "manage.index",
    Role.EMPLOYER: "employer.index",
    Role.VIEWER: "reports.index",
}


def workspace_url(user) -> str:
    """Return the URL of the user's own workspace (the home page for anyone else)."""
    endpoint = WORKSPACES.get(getattr(user, "role", None), "public.home")
    return url_for(endpoint if endpoint in current_app.view_functions else "public.home")
