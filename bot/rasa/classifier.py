"""Classifies messages with the trained Rasa model, in-process (no server needed)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, TypedDict

from bot.language import detect_language
from bot.settings import PROJECT_ROOT
from bot.topics import topic_of_intent

FALLBACK_INTENT = "nlu_fallback"


class Classification(TypedDict):
    """One classified message, as `lawbot classify` prints it."""

    text: str
    topic: str | None
    confidence: float
    language: str | None


@contextlib.contextmanager
def _in_project_root() -> Iterator[None]:
    # config.yml names the spaCy pipeline by a path relative to the project root.
    previous = Path.cwd()
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(previous)


class Classifier:
    """Loads a trained model once; `classify` then maps a message to a topic code."""

    def __init__(self, model_path: Path) -> None:
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # Rasa logs to stdout by default; stdout carries the JSON lines, so logs go to stderr.
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)

        if not model_path.exists():
            raise FileNotFoundError(f"no trained model at {model_path}; run `make model`")
        self._loop = asyncio.new_event_loop()
        with _in_project_root():
            self._agent = self._loop.run_until_complete(_load(Agent, model_path))

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's full parse of one message (intent, ranking, entities)."""
        parsed: dict[str, Any] = self._loop.run_until_complete(self._agent.parse_message(text))
        return parsed

    def classify(self, text: str) -> Classification:
        """{"text", "topic", "confidence", "language"}: topic is a code, "out_of_scope", or
        None for messages that are not a problem description ("hi", "yes")."""
        parsed = self.parse(text)
        ranking = [i for i in parsed.get("intent_ranking") or [] if i["name"] != FALLBACK_INTENT]
        best = ranking[0] if ranking else parsed.get("intent") or {}
        language = next(
            (e["value"] for e in parsed.get("entities") or [] if e.get("entity") == "language"),
            None,
        ) or detect_language(text)
        return {
            "text": text,
            "topic": topic_of_intent(best.get("name")),
            "confidence": round(float(best.get("confidence") or 0.0), 4),
            "language": language,
        }

    def classify_all(self, texts: Iterable[str]) -> Iterator[Classification]:
        for text in texts:
            yield self.classify(text)


async def _load(agent_class: Any, model_path: Path) -> Any:  # rasa's Agent is untyped
    return agent_class.load(str(model_path))


def messages_from(lines: Iterable[str]) -> Iterator[str]:
    """Non-blank lines, stripped of their line ending."""
    for line in lines:
        text = line.rstrip("\r\n")
        if text.strip():
            yield text


def default_classifier(model_path: Path | None = None) -> Classifier:
    from bot.settings import load

    return Classifier(model_path or load().model_path)
