"""The message templates of templates.toml, read once and rendered with ${name} parameters."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from recruit.notify.models import NotifyChannel

TEMPLATES_FILE = Path(__file__).with_name("templates.toml")


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    label: str
    optional: bool
    #: Whose /account offers the switch of an optional template: "employer", "staff" or "".
    to: str
    sms: str | None
    sms_template: str | None
    email_subject: str | None
    email_body: str | None

    @property
    def channels(self) -> tuple[NotifyChannel, ...]:
        """The channels this template has text for."""
        found = []
        if self.sms:
            found.append(NotifyChannel.SMS)
        if self.email_subject and self.email_body:
            found.append(NotifyChannel.EMAIL)
        return tuple(found)

    def variables(self, channel: NotifyChannel | None = None) -> set[str]:
        """Every ${name} its texts (on one channel, or on all) use."""
        texts = {
            NotifyChannel.SMS: (self.sms,),
            NotifyChannel.EMAIL: (self.email_subject, self.email_body),
        }
        names = set()
        chosen = texts[channel] if channel else (self.sms, self.email_subject, self.email_body)
        for text in chosen:
            if text:
                for match in Template.pattern.finditer(text):
                    name = match.group("named") or match.group("braced")
                    if name:
                        names.add(name)
        return names


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str


@cache
def all_templates() -> dict[str, MessageTemplate]:
    """Read templates.toml (once per process)."""
    with TEMPLATES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    found = {}
    for name, table in data.items():
        template = MessageTemplate(
            name=name,
            label=table.get("label", name),
            optional=bool(table.get("optional", False)),
            to=table.get("to", ""),
            sms=_text(table.get("sms")),
            sms_template=table.get("sms_template"),
            email_subject=_text(table.get("email_subject")),
            email_body=_text(table.get("email_body")),
        )
        if not template.channels:
            raise ValueError(f"Notification template {name} has neither SMS nor e-mail text")
        found[name] = template
    return found


def _text(value: str | None) -> str | None:
    return value.strip() if value else None


def get_template(name: str) -> MessageTemplate:
    try:
        return all_templates()[name]
    except KeyError:
        raise ValueError(f"Unknown notification template {name!r}") from None


def render(name: str, channel: NotifyChannel, params: dict[str, str]) -> Rendered:
    """Return the text of a template on a channel with its parameters filled in."""
    template = get_template(name)
    if channel is NotifyChannel.SMS:
        return Rendered(None, Template(template.sms or "").safe_substitute(params))
    return Rendered(
        Template(template.email_subject or "").safe_substitute(params),
        Template(template.email_body or "").safe_substitute(params),
    )
