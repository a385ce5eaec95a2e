"""bot/knowledge/messages.yml, the texts composed in code outside the intake: every text in both
languages, with the same placeholders, and none left behind in the modules that use them."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any, Iterator

import yaml

from bot.firms import LANGUAGE_CODES

BOT = Path(__file__).resolve().parents[2] / "bot"
MESSAGES = BOT / "knowledge" / "messages.yml"
USERS = ("delivery/sharing.py", "delivery/mail.py", "rasa/channels/texts.py", "matching.py")


def texts(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, node) for every text (a mapping of languages to strings), under sections."""
    assert isinstance(node, dict) and node, f"{key or 'messages.yml'}: not a section or a text"
    if not any(isinstance(child, dict) for child in node.values()):
        yield key, node
        return
    for name, child in node.items():
        yield from texts(child, f"{key}.{name}" if key else str(name))


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_text_has_a_non_empty_english_and_chinese_version():
    found = list(texts(yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))))
    assert found
    for key, text in found:
        assert set(text) == {"en", "zh"}, key
        for language in ("en", "zh"):
            assert isinstance(text[language], str) and text[language].strip(), f"{key}.{language}"


def test_both_languages_of_a_text_take_the_same_placeholders():
    for key, text in texts(yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))):
        assert placeholders(text["en"]) == placeholders(text["zh"]), key


def test_every_language_a_firm_can_list_has_a_name():
    names = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["languages"]
    assert set(LANGUAGE_CODES) <= set(names)


def strings(path: Path) -> Iterator[str]:
    """The string literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, documented) and node.body and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def test_the_modules_using_the_texts_hold_no_chinese_text_of_their_own():
    chinese = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
    assert not [path for path in USERS if any(chinese.search(text) for text in strings(BOT / path))]
