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
    """One conversation over Rasa's REST channel."""

    rasa_url: str
    sender: str = field(default_factory=lambda: f"user-{uuid.uuid4().hex[:12]}")
    timings_ms: list[float] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)

    def say(self, message: str) -> list[Reply]:
        started = time.perf_counter()
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=60,
        )
        self.timings_ms.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        replies = [Reply(r.get("text", ""), r.get("buttons") or []) for r in response.json()]
        self.transcript.append(("user", message))
        self.transcript.extend(("bot", r.text) for r in replies)
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


class SimulatedUser:
    """Answers like a cooperative new user who reads only the bot's messages."""

    def __init__(self, chat: RestChat, topic: str, language: str) -> None:
        self.chat, self.topic, self.language = chat, topic, language
        self.person = PERSON[language]
        self.turns = 0

    def _answer(self, replies: list[Reply]) -> str:
        last = replies[-1] if replies else Reply("", [])
        buttons = [b for r in replies for b in r.buttons]
        question = last.text.lower()
        mine = [b for b in buttons if b["title"] == topics.get(self.topic).name[self.language]]
        if mine:  # not understood: the bot offers the topics, and a person picks theirs
            return mine[0]["payload"]
        if buttons:
            real = [b for b in buttons if b["payload"] != "/dont_know"]
            if real:
                return real[0]["payload"]  # agree, confirm, or the first option
        if re.search(r"other party|对方当事人", question):
            return self.person["other_party"]
        if re.search(r"company or organisation|公司或单位", question):
            return self.person["company"]
        if re.search(r"your name|怎么称呼", question):
            return self.person["name"]
        if re.search(r"reach you|联系您", question):
            return self.person["phone"]
        return self.person["free"]

    def complete_intake(self, max_turns: int = 20) -> tuple[int, str | None]:
        """Runs the whole intake; returns (user turns, lead reference or None)."""
        replies = self.chat.say(PROBLEMS[self.topic][self.language])
        self.turns = 1
        while self.turns < max_turns:
            reference = saved_reference(replies)
            if reference:
                return self.turns, reference
            replies = self.chat.say(self._answer(replies))
            self.turns += 1
        return self.turns, saved_reference(replies)
