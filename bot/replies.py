"""What the domain says, in neutral terms: a reply is text with the choices it offers, and a
user's message is its text, the choice a button carried, and its plain meaning. `actions/`
turns these into Rasa's buttons, payloads and events; nothing here knows of Rasa."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Meaning = Literal["yes", "no", "dont_know"]


@dataclass(frozen=True)
class Choice:
    """One option offered with a reply: what the user reads, and what picking it means."""

    label: str
    value: str


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Said:
    """A user's message as the domain reads it: the typed text, the value of the button that was
    pressed (if any), and what the classifier heard as a plain yes, no or "don't know"."""

    text: str
    choice: str | None = None
    meaning: Meaning | None = None
