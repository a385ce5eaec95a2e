"""A stranger, simulated: a persona written by someone who never saw the rules or the training
data (tests/strangers/users_*.yml) talks to the real REST channel. It answers each question the
bot asks with what that person would say (their own words from the persona), taps or types
button labels the way the persona does, and corrects the read-back as the persona planned."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import intake, topics
from bot.settings import PROJECT_ROOT
from scripts.simulated_user import Reply, RestChat, saved_reference


@lru_cache(maxsize=1)
def _variations() -> dict[str, list[dict[str, Any]]]:
    """Every variation (text and condition) of every domain response, by response name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            found.setdefault(name, []).extend(variations)
    return found


@lru_cache(maxsize=1)
def _responses() -> dict[str, list[str]]:
    """Every text of every domain response, by response name."""
    return {name: [v.get("text", "") for v in found] for name, found in _variations().items()}


def _starts(reply: str, response: str) -> bool:
    """Whether a reply is (the beginning of) one of the response's texts."""
    return any(t and reply.strip().startswith(t.strip()[:40]) for t in _responses().get(response, []))


def _is_question(reply: str, *keys: str) -> bool:
    return any(
        reply.strip().startswith(intake.text(key, lang).strip()[:30]) for key in keys for lang in ("en", "zh")
    )


@lru_cache(maxsize=1)
def _topic_questions() -> dict[str, tuple[str, str]]:
    """Question text (either language) -> (topic, key)."""
    found: dict[str, tuple[str, str]] = {}
    for code, topic in topics.all_topics().items():
        for question in topic.questions:
            for text in question.text.values():
                found[text.strip()] = (code, question.key)
    return found


# Words of a date or a time limit: a person asked "by when?" answers with the detail holding one.
_TIME_WORDS = re.compile(
    r"\b(?:today|tomorrow|tonight|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"week|weeks|days?|hours?|months?|deadline|by|within|until)\b|\d+\s*(?:/|月|号|日)|"
    r"今天|明天|后天|昨天|周[一二三四五六日天末]|礼拜|星期|[天周月]内|小时|期限|截止|之前|以前|前(?:提交|回复|答复)|号前|日前",
    re.IGNORECASE,
)
# Words a chip shares with any story ("do we *still* need to report" is not "still going on"):
# a person picks a chip by what it means, so these never decide the pick.
_FUNCTION_WORDS = frozenset(
    [
        "still",
        "have",
        "been",
        "with",
        "that",
        "this",
        "from",
        "your",
        "they",
        "them",
        "what",
        "when",
        "where",
        "which",
        "will",
        "would",
        "some",
        "about",
        "into",
        "only",
        "also",
        "more",
        "than",
        "just",
        "been",
        "does",
        "there",
        "their",
        "other",
        "yes",
        "not",
    ]
)
# a negation just before a word: the story denies it ("nothing ongoing", "not yet filed", "没有泄露")
_NEGATED = re.compile(
    r"(?:\b(?:no|not|nothing|never|none|without)\s+(?:\w+\s+)?|n't\s+(?:\w+\s+)?|[没不未无非][^，,。\s]{0,3})$"
)


@dataclass
class Turn:
    asked: str
    said: str


def _uses(word: str, text: str) -> tuple[bool, bool]:
    """(the text uses the word plainly, the text uses it after a negation: "nothing ongoing", "没有泄露")."""
    plain = negated = False
    for m in re.finditer(re.escape(word), text):
        if _NEGATED.search(text[max(0, m.start() - 10) : m.start()]):
            negated = True
        else:
            plain = True
    return plain, negated


def _chip_words(chip: dict[str, str]) -> list[str]:
    return [
        w
        for w in re.findall(r"[a-z]{4,}|[\u4e00-\u9fff]{2}", chip["title"].lower())
        if w not in _FUNCTION_WORDS
    ]


# A chip that says "no …" ("No police contact yet", "尚未…"): the person's "no police" picks it.
_NEGATIVE_CHIP = re.compile(r"(?i)\b(?:no|not|never|none)\b|尚未|没有|未|无")


def _overlap(chip: dict[str, str], text: str) -> int:
    """How many of the chip's words the text says as the chip means them."""
    negative = bool(_NEGATIVE_CHIP.search(chip["title"]))
    return sum(_uses(word, text)[1 if negative else 0] for word in _chip_words(chip))


def _denied(chip: dict[str, str], answers: str) -> bool:
    """The person's answers use a word of a (positive) chip only after a negation ("没有任何调查")."""
    if _NEGATIVE_CHIP.search(chip["title"]):
        return False
    return any(negated and not plain for plain, negated in (_uses(w, answers) for w in _chip_words(chip)))


@dataclass
class PersonaUser:
    persona: dict[str, Any]
    chat: RestChat
    seed: int = 7
    turns: list[Turn] = field(default_factory=list)
    saved: str | None = None
    shared_answered: bool = False
    out_of_scope: str | None = None  # the language the bot said "not IT law" in, if it did

    def __post_init__(self) -> None:
        self.details = list(self.persona.get("details") or [])
        self.readback = list(self.persona.get("readback") or ["ok"])
        self.random = random.Random(self.seed)
        self.language = self.persona["language"]
        self.corrected: list[str] = []

    # -- what the person says to each kind of question

    def _choice(self, chips: list[dict[str, str]]) -> tuple[str, str]:
        """(how, what): the chip this person would pick - the one whose words their story uses,
        else "not sure", else the first - tapped, typed or given by number, as the persona does."""
        real = [c for c in chips if not re.match(r"(?i)skip|跳过", c["title"])]
        answers = " ".join(self.persona.get("details") or []).lower()
        story = " ".join([self.persona["opening"], answers]).lower()
        unsure = [
            c for c in real if re.search(r"(?i)not sure|unsure|don't know|不确定|不清楚|不知道", c["title"])
        ]
        pick = unsure[0] if unsure else (real or chips)[0]
        # the person's own answers first, then the whole story ("没有任何调查" outweighs news of
        # others); never a chip the answers deny
        candidates = [c for c in real if not _denied(c, answers)]
        for text in (answers, story):
            best = max(candidates, key=lambda chip: _overlap(chip, text)) if candidates else None
            if best and _overlap(best, text):
                pick = best
                break
        style = self.persona.get("choice_style", "tap")
        if style == "mixed":
            style = self.random.choice(["tap", "type", "number"])
        if style == "number":
            return "type", str(chips.index(pick) + 1)
        if style == "type":
            return "type", pick["title"]
        return "tap", pick["payload"]

    def _free(self, key: str | None = None) -> str:
        """The next detail; asked for a date, the detail that tells one, as a person would answer."""
        if self.details:
            dated = [d for d in self.details if _TIME_WORDS.search(d)] if key == "deadline" else []
            chosen = dated[0] if dated else self.details[0]
            self.details.remove(chosen)
            return chosen
        return "不清楚" if self.language == "zh" else "not sure"

    def next_message(self, replies: list[Reply]) -> tuple[str, str]:
        """(what was asked, what the person sends)."""
        texts = [r.text for r in replies if r.text]
        chips = [b for r in replies for b in r.buttons]
        last = texts[-1] if texts else ""
        topic = topics.all_topics().get(self.persona["expect"]["topic"])
        mine = topic.name[self.language] if topic else intake.text("something_else", self.language)
        if mine and any(c["title"] == mine for c in chips):
            return "topics", next(c["payload"] for c in chips if c["title"] == mine)
        share_labels = {intake.text(f"share_{v}", lang) for v in ("yes", "no") for lang in ("en", "zh")}
        if any(c["title"] in share_labels for c in chips):
            self.shared_answered = True
            return "share", self.persona.get("share") or ("同意" if self.language == "zh" else "yes")
        if _starts(last, "utter_ask_privacy_consent") or _starts(last, "utter_ask_sensitive_consent"):
            return "consent", self.persona["consent"]
        if _starts(last, "utter_ask_contact_name"):
            return "name", self.persona["name"]
        if _starts(last, "utter_ask_contact_methods"):
            # told the number is wrong, a person who mistyped it gives the right one (the
            # correction the persona would otherwise make at the read-back)
            fixed = next((r for r in self.readback if re.search(r"\d{5}|@", r)), None)
            if fixed and any(t.asked == "contact" for t in self.turns):
                self.readback.remove(fixed)
                return "contact", fixed
            return "contact", self.persona["contact"]
        if _starts(last, "utter_ask_counterparty"):
            return "counterparty", self.persona.get("counterparty") or self._free()
        if _starts(last, "utter_ask_erasure_answer"):
            return "erasure", "不" if self.language == "zh" else "no"
        if any(_is_question(t, "ask_confirm") for t in texts) or any(
            t.rstrip().endswith(intake.text("ask_confirm", lang)) for t in texts for lang in ("en", "zh")
        ):
            answer = self.readback.pop(0) if self.readback else ("对" if self.language == "zh" else "yes")
            return "readback", answer
        if _is_question(last, "which_field"):
            return "which_field", self.corrected[-1] if self.corrected else self.persona["name"]
        question = _topic_questions().get(last.strip())
        if question:
            if chips:
                how, what = self._choice(chips)
                return f"question:{question[1]}:{how}", what
            return f"question:{question[1]}", self._free(question[1])
        if chips:  # some other choice
            how, what = self._choice(chips)
            return f"choice:{how}", what
        return "other", self._free()

    def play(self, max_turns: int = 16) -> PersonaUser:
        replies = self.chat.say(self.persona["opening"])
        self.turns.append(Turn("opening", self.persona["opening"]))
        while len(self.turns) < max_turns:
            self.saved = self.saved or saved_reference(replies)
            self._note_out_of_scope(replies)
            if self.out_of_scope and self.persona["expect"]["topic"] == "out_of_scope":
                break  # told so: a person with no IT-law matter leaves
            asked, message = self.next_message(replies)
            if self.saved and asked != "share":
                break
            if asked == "other" and self.saved:
                break
            self.turns.append(Turn(asked, message))
            replies = self.chat.say(message)
            if asked == "share":
                break
        self.saved = self.saved or saved_reference(replies)
        return self

    def _note_out_of_scope(self, replies: list[Reply]) -> None:
        for reply in replies:
            for variation in _variations().get("utter_out_of_scope", []):
                if reply.text and reply.text.strip().startswith(variation["text"].strip()[:40]):
                    zh = any(c.get("value") == "zh" for c in variation.get("condition") or [])
                    self.out_of_scope = "zh" if zh else "en"

    @property
    def turns_to_lead(self) -> int:
        """User turns up to the one that got the lead saved (the share answer not counted)."""
        return len([t for t in self.turns if t.asked != "share"])


def load_personas(directory: Path | None = None) -> list[dict[str, Any]]:
    folder = directory or PROJECT_ROOT / "tests" / "strangers"
    personas: list[dict[str, Any]] = []
    for path in sorted(folder.glob("users_*.yml")):
        personas.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return personas
