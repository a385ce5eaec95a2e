"""The scope guard: an out_of_scope reading is not trusted alone when the message is urgent or
names an online business or an IT thing (`bot.topics.worth_a_second_look`). Such a message is
given `nlu_fallback`, so the bot offers the topics ("not sure which area, pick the closest")
instead of refusing. The ranking keeps the classifier's readings (the held-out evaluation and
`lawbot classify` read the ranking, so they still see out_of_scope).

A reading of one of a business's own duties (ICP, PIPL, 等保...) on a message that tells of an
order, a penalty or an inspection received from an authority becomes `topic_investigation`, at the
head of the ranking too (`bot.topic_borders.received_from_authority`, docs/topics.md sections 2-3)."""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import topic_borders, topics
from bot.language import detect_language
from bot.rasa.nlu import Stateless

FALLBACK_INTENT = "nlu_fallback"
INTENT_RANKING = "intent_ranking"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ScopeGuard(Stateless):
    """Runs last in the NLU pipeline: out_of_scope on a message worth a second look becomes
    nlu_fallback (the topics as buttons)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            if topics.topic_of_intent(name) in topic_borders.DUTY_TOPICS and not text.startswith("/"):
                if topic_borders.received_from_authority(text, detect_language(text) or "en"):
                    self._lead_with(message, topics.INTENT_PREFIX + "investigation", intent)
                continue
            if name != topics.OUT_OF_SCOPE or text.startswith("/"):
                continue
            if topics.worth_a_second_look(text):
                confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
                others = [
                    r for r in message.get(INTENT_RANKING) or [] if r[INTENT_NAME_KEY] != FALLBACK_INTENT
                ]
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING, [fallback, *others], add_to_output=True)
        return messages

    @staticmethod
    def _lead_with(message: Message, name: str, intent: dict) -> None:  # type: ignore[type-arg]
        """`name` becomes the intent, with the confidence of the reading it replaces."""
        confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        lead = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        others = [r for r in message.get(INTENT_RANKING) or [] if r[INTENT_NAME_KEY] != name]
        message.set(INTENT, lead, add_to_output=True)
        message.set(INTENT_RANKING, [lead, *others], add_to_output=True)
