"""Where a channel may send, and which variable its token may come from (DESIGN §4).

The channel settings (every door) and the http_json connector (every run) ask these, so a
row written before the rule, or by hand, never sends a token to an address the rule refuses.
"""

from typing import Any
from urllib.parse import urlsplit

from recruit.channels.models import BASE_URL_MAX, Channel, token_env_for

BAD_URL = "接口地址须以 http:// 或 https:// 开头"
URL_TOO_LONG = f"接口地址不能超过 {BASE_URL_MAX} 个字符"
URL_SHAPE = "接口地址须为 https://主机/路径 的形式，不能含空格、用户名密码、查询参数或锚点"
NO_BASE_URL = "未配置接口地址（base URL）"


def http_host_refused(host: str) -> str:
    """Return the refusal of a plain-http address to a host not allowed."""
    return (
        f"接口地址：主机 {host} 不在 CHANNEL_ALLOWED_HOSTS 中，只能使用 https://；"
        "http:// 只能用于该设置列出的主机"
    )


def token_env_refused(code: str) -> str:
    """Return the refusal of any token variable other than the channel's own."""
    return f"令牌环境变量名须为 {token_env_for(code)}（每个渠道只能读取自己的变量）"


def base_url_problem(url: str, allowed_hosts: list[str]) -> str | None:
    """Return why a base URL is refused, or None: https anywhere, http only to listed hosts."""
    if not url.lower().startswith(("http://", "https://")):
        return BAD_URL
    if len(url) > BASE_URL_MAX:
        return URL_TOO_LONG
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return URL_SHAPE
    host = (parts.hostname or "").lower()
    if (
        not host
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in url)
    ):
        return URL_SHAPE
    if parts.scheme.lower() == "http" and host not in {h.lower() for h in allowed_hosts}:
        return http_host_refused(host)
    return None


def token_env_problem(code: str, name: str) -> str | None:
    """Return why a token variable name is refused for this channel, or None."""
    return None if name == token_env_for(code) else token_env_refused(code)


def endpoint_problem(channel: Channel, config: dict[str, Any]) -> str | None:
    """Return why a channel cannot be sent to as it stands, or None (checked by every run)."""
    if not channel.base_url:
        return NO_BASE_URL
    problem = base_url_problem(channel.base_url, config["CHANNEL_ALLOWED_HOSTS"])
    if problem:
        return f"接口地址不符合规定：{problem}"
    if channel.token_env and token_env_problem(channel.code, channel.token_env):
        return token_env_refused(channel.code)
    return None
