"""The scope guard: an out_of_scope reading is not trusted alone when the message is urgent or
names an online business or an IT thing (`bot.topics.worth_a_second_look`). Such a message is
given `nlu_fallback`, so the bot offers the topics ("not sure which area, pick the closest")
instead of refusing. The ranking keeps the classifier's readings (the held-out evaluation and
`lawbot classify` read the ranking, so they still see out_of_scope)."""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import topics
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
            if intent.get(INTENT_NAME_KEY) != topics.OUT_OF_SCOPE or text.startswith("/"):
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
