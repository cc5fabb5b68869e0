"""The house rules that keep one rulebook from drifting, checked on the source itself.

Doors (pages, API handlers) commit only through the unit of work; personal data leaves the
hires domain only through its gate; no module imports inside a function to dodge a cycle.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "recruit"

#: Modules that are doors: they parse, call a service and present.
DOORS = [
    *PACKAGE.glob("*/routes.py"),
    *PACKAGE.glob("manage/*_pages.py"),
    *PACKAGE.glob("manage/workspace.py"),
    *PACKAGE.glob("api/*_routes.py"),
    PACKAGE / "employers" / "portal.py",
    PACKAGE / "employers" / "team_pages.py",
    PACKAGE / "employers" / "application_pages.py",
    *PACKAGE.glob("public/*.py"),
    *PACKAGE.glob("seekers/*_pages.py"),
    *PACKAGE.glob("reports/*_pages.py"),
]

#: The only modules that read a seeker's full phone or ID number off a record.
PII_READERS = {
    "recruit/hires/models.py",
    "recruit/hires/intents.py",
    "recruit/hires/imports.py",
    "recruit/hires/contact.py",
    "recruit/hires/privacy.py",
    "recruit/seekers/models.py",
    "recruit/seekers/services.py",
}
PII_FIELDS = {"seeker_phone", "seeker_id_number"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_door_list_is_not_empty():
    assert len(DOORS) > 15


def test_doors_commit_and_roll_back_only_through_the_unit_of_work():
    offenders = []
    for path in DOORS:
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("commit", "rollback")
            ):
                offenders.append(f"{_relative(path)}:{node.lineno}")
    assert offenders == []


def test_doors_never_catch_database_races_themselves():
    offenders = []
    for path in DOORS:
        source = path.read_text(encoding="utf-8")
        for name in ("IntegrityError", "StaleDataError"):
            if name in source:
                offenders.append(f"{_relative(path)}: {name}")
    assert offenders == []


def test_a_seekers_full_phone_and_id_number_are_read_only_inside_the_hires_domain():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        where = _relative(path)
        if where in PII_READERS or where.startswith("recruit/demo/"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in PII_FIELDS:
                owner = node.value.id if isinstance(node.value, ast.Name) else ""
                # A Contact the gate disclosed, or a form field being typed into.
                if "contact" in owner or owner == "form":
                    continue
                offenders.append(f"{where}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_templates_show_personal_data_only_as_disclosed_by_the_gate():
    pattern = re.compile(r"(\w+)\.(seeker_phone|seeker_id_number)\b")
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            owner = match.group(1)
            # A Contact from recruit.hires.contact, or a form field being typed into.
            if owner not in ("contact", "form") and not owner.endswith("contact"):
                offenders.append(f"{_relative(path)}: {match.group(0)}")
    assert offenders == []


def test_no_module_imports_inside_a_function():
    """Imports go at the top; the app factory alone imports its blueprints as it builds."""
    allowed = {"recruit/__init__.py"}
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "jobs").rglob("*.py")]:
        where = _relative(path)
        if where in allowed:
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        offenders.append(f"{where}:{inner.lineno}")
    assert offenders == []


def test_no_status_code_or_field_is_read_from_a_message():
    """Doors map refusals by type; the old text-parsing table must not come back."""
    assert not (PACKAGE / "api" / "service_errors.py").exists()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert 'partition("：")' not in source, _relative(path)
        assert 'split("：")' not in source, _relative(path)
