"""The Rasa NLU component of this project: the gate that keeps answers from being taken for
commands. The decisions are the domain's (`bot.language`,
`bot.commands`); these classes only carry them into Rasa's message."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import commands, triage
from bot.language import is_foreign, requested_language
from bot.topics import topic_of_intent

FOREIGN_INTENT = "other_language"  # Russian, Japanese...: the bot says which languages it speaks
EMPTY_INTENT = "no_words"  # emoji, symbols: "please describe your problem"
SWITCH_INTENT = "switch_language"  # "please speak English", "说中文"
CONTEST_INTENT = "contest_urgency"  # "为什么写紧急？没人被抓"
GATE_ONLY = (FOREIGN_INTENT, EMPTY_INTENT, SWITCH_INTENT, CONTEST_INTENT)  # never the classifier's
MAX_REQUEST = 40  # longer messages asking for a language also say something else
MAX_CONTEST_WORDS = 20  # a longer message read as a topic describes the problem
INTENT_RANKING = "intent_ranking"


class Stateless(GraphComponent):  # type: ignore[misc]  # rasa is untyped
    """An NLU component with nothing to train or keep (the gates here and bot/rasa/scope_guard.py)."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process_training_data(self, training_data: Any) -> Any:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CommandGate(Stateless):
    """Runs after the intent classifier: a command it proposes stands only when the message says
    it unmistakably (`bot.commands`); otherwise the next reading of the ranking is taken. Messages
    without words and messages in other languages get intents of their own."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button's payload
            intent = message.get(INTENT) or {}
            if not commands.has_words(text):
                self._set(message, EMPTY_INTENT, 1.0)
            elif is_foreign(text):
                self._set(message, FOREIGN_INTENT, 1.0)
            elif requested_language(text) and len(text) <= MAX_REQUEST:
                self._set(message, SWITCH_INTENT, 1.0)
            elif triage.is_contest(text) and not self._description(intent.get(INTENT_NAME_KEY), text):
                self._set(message, CONTEST_INTENT, 1.0)
            elif self._gated(intent.get(INTENT_NAME_KEY) or "", text):
                ranking = [
                    (r[INTENT_NAME_KEY], r[PREDICTED_CONFIDENCE_KEY])
                    for r in message.get(INTENT_RANKING) or []
                    if r[INTENT_NAME_KEY] not in GATE_ONLY
                ]
                reading = commands.best_reading(ranking, text)
                if reading:
                    self._set(message, *reading)
                    kept = [
                        r
                        for r in message.get(INTENT_RANKING) or []
                        if not self._gated(r[INTENT_NAME_KEY], text)
                    ]
                    message.set(INTENT_RANKING, kept, add_to_output=True)
        return messages

    @staticmethod
    def _description(intent: str | None, text: str) -> bool:
        """A problem told at length that says, among the rest, that it is not urgent ("…倒也不急，
        明年才上线"): a description of a topic, not a dispute of the urgency."""
        words = len(re.findall(r"[A-Za-z]+", text)) + len(re.findall(r"[\u3400-\u9fff]", text)) / 1.5
        return topic_of_intent(intent) is not None and words > MAX_CONTEST_WORDS

    @staticmethod
    def _gated(intent: str, text: str) -> bool:
        """The classifier's intent does not stand: an intent only this gate gives ("Andrei
        Volkov，中文名叫安德烈" is a name, not "speak Chinese"), or a command not said plainly."""
        return intent in GATE_ONLY or not commands.is_unmistakable(intent, text)

    @staticmethod
    def _set(message: Message, name: str, confidence: float) -> None:
        """Makes `name` the message's intent; when the gate knows it for sure (confidence 1), also
        the top of the ranking, so the fallback classifier sees no ambiguity."""
        message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
        if confidence >= 1.0:
            others = [r for r in message.get(INTENT_RANKING) or [] if r[INTENT_NAME_KEY] != name]
            ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, *others]
            message.set(INTENT_RANKING, ranking, add_to_output=True)
