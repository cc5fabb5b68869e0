"""Screen posting text against the editable rule list (就业促进法, 妇女权益保障法)."""

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

SHIPPED_RULES = Path(__file__).with_name("screening_rules.toml")


@dataclass(frozen=True)
class Flag:
    """One phrase that matched a rule."""

    level: str  # "block" or "warn"
    category: str
    phrase: str
    law: str

    @property
    def blocks(self) -> bool:
        return self.level == "block"

    def message(self) -> str:
        """Return the Chinese sentence shown to the employer or the reviewer."""
        if self.blocks:
            return f"含有{self.category}内容“{self.phrase}”，违反{self.law}，请修改后再提交。"
        return f"{self.category}：“{self.phrase}”（{self.law}）。"


@dataclass(frozen=True)
class _Rule:
    level: str
    category: str
    law: str
    patterns: tuple[re.Pattern, ...]


def rules_path() -> Path:
    """Return the rule file in use: the instance folder's copy if there is one."""
    if has_app_context():
        override = Path(current_app.instance_path) / "screening_rules.toml"
        if override.exists():
            return override
    return SHIPPED_RULES


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> tuple[_Rule, ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        _Rule(
            level=rule["level"],
            category=rule["category"],
            law=rule.get("law", ""),
            patterns=tuple(re.compile(p) for p in rule["patterns"]),
        )
        for rule in data.get("rule", [])
    )


def load_rules() -> tuple[_Rule, ...]:
    """Return the compiled rules, re-read when the file changes."""
    path = rules_path()
    return _load(path, path.stat().st_mtime)


def screen_text(*texts: str | None) -> list[Flag]:
    """Return every rule match in the texts, blocking ones first, each phrase once."""
    flags: list[Flag] = []
    joined = "\n".join(t for t in texts if t)
    for rule in load_rules():
        matches = [m for p in rule.patterns for m in p.finditer(joined)]
        # Longest first, so "已婚已育" is reported once rather than again as "已婚".
        matches.sort(key=lambda m: (m.start() - m.end(), m.start()))
        taken: list[tuple[int, int]] = []
        phrases: set[str] = set()
        for match in matches:
            inside = any(a <= match.start() and match.end() <= b for a, b in taken)
            if inside or match.group(0) in phrases:
                continue
            taken.append(match.span())
            phrases.add(match.group(0))
            flags.append(Flag(rule.level, rule.category, match.group(0), rule.law))
    return sorted(flags, key=lambda f: not f.blocks)
