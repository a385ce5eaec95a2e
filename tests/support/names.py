"""The name the intake keeps from an answer to "your name?", for the name tests."""

from __future__ import annotations

from bot.contact import Problem
from bot.person import Person, parse_person


def name_of(text: str) -> str | Problem:
    found = parse_person(text)
    return found.name if isinstance(found, Person) else found
