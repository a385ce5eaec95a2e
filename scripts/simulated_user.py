"""A simulated new user: talks to the real REST channel and sees only what a person sees, the
bot's text and buttons. It describes a problem, taps a button where there is one, answers
free questions from what the question says, agrees to the notice, gives contact details and
confirms the summary. Used by the conversation tests and by `scripts/simulate_users.py`."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from bot import topics
from bot.language import detect_language, sentence_language
from scripts import reply_audit

# One realistic first message per topic and language, written apart from the training data.
PROBLEMS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).resolve().parent / "simulated_problems.yml").read_text(encoding="utf-8")
)

PERSON = {
    "en": {
        "name": "Anna Petrova",
        "company": "Songhua Soft Ltd",
        "phone": "+86 138 1234 5678",
        "other_party": "Beta Systems Ltd",
        "free": "A small company in Harbin, about 5,000 users.",
    },
    "zh": {
        "name": "李伟",
        "company": "哈尔滨松花软件有限公司",
        "phone": "138-1234-5678",
        "other_party": "北京某某科技有限公司",
        "free": "哈尔滨的一家小公司，大概五千个用户。",
    },
}

_SAVED = re.compile(r"reference [0-9a-f]{8}|编号 ?[0-9a-f]{8}", re.IGNORECASE)


@dataclass
class Reply:
    text: str
    buttons: list[dict]


@dataclass
class RestChat:
    """One conversation over Rasa's REST channel. Every bot reply is audited (`reply_audit`):
    in the conversation's language, no internals shown; with `audit` a bad reply fails at once,
    otherwise it is collected in `problems`."""

    rasa_url: str
    sender: str = field(default_factory=lambda: f"user-{uuid.uuid4().hex[:12]}")
    timings_ms: list[float] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    audit: bool = True
    language: str | None = None
    problems: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. the REST bearer token
    timeout: float = 60  # seconds per message (the load tool waits longer)

    @property
    def conversation_id(self) -> str:
        """What the server makes of `sender` (bot/rasa/channels/rest.py): the tracker's and the
        lead's conversation id."""
        return f"rest:{self.sender}"

    def _follow_language(self, message: str) -> None:
        if message.startswith("/"):
            return
        self.language = sentence_language(message) or self.language or detect_language(message)

    def say(self, message: str) -> list[Reply]:
        self._follow_language(message)
        started = time.perf_counter()
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=self.timeout,
            **({"headers": self.headers} if self.headers else {}),
        )
        self.timings_ms.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        replies = [Reply(r.get("text", ""), r.get("buttons") or []) for r in response.json()]
        self.transcript.append(("user", message))
        self.transcript.extend(("bot", r.text) for r in replies)
        typed = [text for who, text in self.transcript if who == "user" and not text.startswith("/")]
        for reply in replies:
            texts = [reply.text, *(b.get("title", "") for b in reply.buttons)]
            found = [p for text in texts for p in reply_audit.problems(text, self.language, typed)]
            self.problems.extend(found)
            if self.audit and found:
                raise AssertionError(f"{self.sender}: {found}")
        return replies

    def tap(self, replies: list[Reply], title: str) -> list[Reply]:
        """Taps the button with this title (as a widget would: sends its payload)."""
        for reply in replies:
            for button in reply.buttons:
                if button["title"] == title:
                    return self.say(button["payload"])
        raise AssertionError(f"no button {title!r} in {[b['title'] for r in replies for b in r.buttons]}")


def saved_reference(replies: list[Reply]) -> str | None:
    for reply in replies:
        found = _SAVED.search(reply.text)
        if found:
            return found.group(0)[-8:]
    return None


@dataclass(frozen=True)
class Move:
    """What the user does next: tap the chip with this title, or type this text."""

    tap: str | None = None
    type: str | None = None


def _is_skip(title: str) -> bool:
    return title.lower().startswith("skip") or title.startswith("跳过")


class SimulatedUser:
    """Answers like a cooperative new user who reads only the bot's messages and chips."""

    def __init__(self, chat: RestChat | None, topic: str, language: str) -> None:
        self.chat, self.topic, self.language = chat, topic, language
        self.person = PERSON[language]
        self.turns = 0

    @property
    def first_message(self) -> str:
        return PROBLEMS[self.topic][self.language]

    def next_move(self, texts: list[str], chips: list[str]) -> Move:
        """The next move, from the bot's latest messages and the chips on offer."""
        mine = topics.get(self.topic).name[self.language]
        if mine in chips:  # not understood: the bot offers the topics, and a person picks theirs
            return Move(tap=mine)
        real = [title for title in chips if not _is_skip(title)]
        if real:
            return Move(tap=real[0])  # agree, confirm, or the first option
        question = (texts[-1] if texts else "").lower()
        if re.search(r"your name|怎么称呼", question):  # name, and company if any, in one answer
            separator = "，" if self.language == "zh" else ", "
            return Move(type=self.person["name"] + separator + self.person["company"])
        for pattern, key in (
            (r"other party|对方当事人", "other_party"),
            (r"company or organisation|公司或单位", "company"),
            (r"reach you|联系您", "phone"),
        ):
            if re.search(pattern, question):
                return Move(type=self.person[key])
        return Move(type=self.person["free"])

    def _play(self, move: Move, replies: list[Reply]) -> list[Reply]:
        """Types, or taps a button by sending its payload (as every channel's client does)."""
        if move.tap:
            buttons = [b for r in replies for b in r.buttons if b["title"] == move.tap]
            return self.chat.say(buttons[0]["payload"])
        return self.chat.say(move.type or "")

    def complete_intake(self, max_turns: int = 20) -> tuple[int, str | None]:
        """Runs the whole intake over REST; returns (user turns, lead reference or None)."""
        replies = self.chat.say(self.first_message)
        self.turns = 1
        while self.turns < max_turns:
            reference = saved_reference(replies)
            if reference:
                return self.turns, reference
            move = self.next_move([r.text for r in replies], [b["title"] for r in replies for b in r.buttons])
            replies = self._play(move, replies)
            self.turns += 1
        return self.turns, saved_reference(replies)
