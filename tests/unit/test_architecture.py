"""The shape of the code, checked: the domain knows nothing of Rasa, no import circles, no
module over about 300 lines without its reason written at its top."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
EDGE = (BOT / "rasa", BOT / "ops")
MAX_LINES = 300


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def domain_modules() -> list[Path]:
    return [p for p in python_files(BOT) if not any(edge in p.parents for edge in EDGE)]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_domain_imports_neither_rasa_nor_rasa_sdk():
    offenders = {
        module_name(p): sorted(i for i in imports(p) if i.split(".")[0] in ("rasa", "rasa_sdk"))
        for p in domain_modules()
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_the_domain_names_no_intent_action_response_or_payload():
    pattern = re.compile(r"[\"'](?:utter_|action_|validate_|/choose|/affirm|/deny|/topic_)")
    offenders = [module_name(p) for p in domain_modules() if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders


def test_there_is_no_import_circle():
    modules = {module_name(p): p for p in python_files(BOT) + python_files(ROOT / "actions")}
    graph = {name: {i for i in imports(path) if i in modules and i != name} for name, path in modules.items()}

    # only module-level imports count: a function-level import is a deliberate late binding
    def top_level(path: Path) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        return found

    graph = {name: {i for i in top_level(modules[name]) if i in modules and i != name} for name in graph}
    seen: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in graph[node]:
            if seen.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in seen:
                visit(nxt, [*trail, nxt])
        seen[node] = 2

    for name in graph:
        if name not in seen:
            visit(name, [name])
    assert not circles


def test_no_module_is_long_without_its_reason():
    long = []
    for path in python_files(BOT) + python_files(ROOT / "actions"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "Longer than 300 lines" not in text[:1500]:
            long.append(f"{module_name(path)} ({text.count(chr(10))} lines)")
    assert not long
