"""What the triage engine (bot/triage.py) finds in one clause: a person held (and who is held:
a person, not code or goods), an attack or leak under way (including data still being taken by
an unknown account or an insider), and contact with the police or a regulator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from bot.triage_text import (
    CJK,
    Clause,
    about_others,
    framed,
    has_authority,
    hypothetical,
    in_title,
    negated,
    real,
)
from bot.triage_vocab import entity_rx, rx

# ---------------------------------------------------------------- who is held


@dataclass(frozen=True)
class _Entity:
    start: int
    end: int
    person: bool
    fictional: bool = False  # a character of a game or a story


def _entities(clause: Clause) -> list[_Entity]:
    authorities = [m.span() for m in entity_rx("authority").finditer(clause.text)]
    found = [
        _Entity(m.start(), m.end(), kind == "person", kind == "fictional")
        for kind in ("person", "thing", "fictional")
        for m in entity_rx(kind).finditer(clause.text)
        if m.end() > m.start()
    ]
    # The longest reading wins ("程序员" is a person, not "程序"); authorities are agents.
    kept = [
        e
        for e in found
        if not any(
            (o.start <= e.start and e.end <= o.end) and (o.end - o.start) > (e.end - e.start) for o in found
        )
        and not any(s < e.end and e.start < t for s, t in authorities)
    ]
    kept.sort(key=lambda e: e.start)
    # "my brother's laptop", "我哥的电脑": the possessor is not the one held.
    possessive = re.compile(r"\s*(?:'s|的)\s*")
    result = []
    for index, entity in enumerate(kept):
        following = kept[index + 1] if index + 1 < len(kept) else None
        link = possessive.match(clause.text, entity.end)
        if following is not None and link and following.start <= link.end() + 12:
            continue
        result.append(entity)
    return result


_PREPOSITION_BEFORE = re.compile(
    r"\b(?:for|at|in|with|of|from|on|about|into|to|by)\s+(?:(?:a|an|the|his|her|their|our|my|some)\s+)?"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _patient(clause: Clause, match: re.Match[str], direction: str) -> _Entity | None:
    entities = _entities(clause)
    left = [e for e in entities if e.end <= match.start()]
    right = [e for e in entities if e.start >= match.start() and e not in left]
    # "works in support for a lending app and was detained": the noun after a preposition is not
    # the subject; the person named before it is.
    subjects = [e for e in left if not _PREPOSITION_BEFORE.search(clause.text[: e.start])]
    if not CJK.match(match.group()) and subjects and subjects[-1].person and left[-1] not in subjects:
        left = subjects
    if direction == "left":
        return left[-1] if left else None
    # "扣留了我的同事": an active Chinese verb takes what follows it (not after 被/让).
    active_zh = CJK.match(match.group()) and not re.search(r"[被让叫给]\s*$", clause.text[: match.start()])
    if direction == "right" or (active_zh and right and right[0].start - match.end() <= 8):
        return right[0] if right else None
    candidates = [(match.start() - e.end, e) for e in left[-1:]] + [
        (max(0, e.start - match.end()), e) for e in right[:1]
    ]
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


# "They picked up our CTO": an unnamed "they" taking a person is the authorities.
_IMPERSONAL = re.compile(r"\s*(?:and\s+)?they\b", re.IGNORECASE)
_DETERMINER = re.compile(
    r"\s+(?:a|an|the|some|several|two|three|four|five|\d+)\s+((?:[\w-]+\s+){0,3}[\w-]+)", re.IGNORECASE
)


# "locked up the day before yesterday": a time, not the object.
_TIME_NOUN = re.compile(
    r"(?:day|days|week|weeks|weekend|morning|afternoon|evening|night|month|months|hour|hours|time|other)\b",
    re.IGNORECASE,
)


def _object_is_a_thing(clause: Clause, match: re.Match[str]) -> bool:
    """ "customs detained a pallet of cameras": the object right after the verb is no person."""
    phrase = _DETERMINER.match(clause.text, match.end())
    if phrase is None or _TIME_NOUN.match(phrase.group(1)):
        return False
    head = re.split(r"\s+(?:from|to|at|in|of|for|with|by|on|and)\b", phrase.group(1), maxsplit=1)[0]
    return not entity_rx("person").search(head)  # "took a statement from me": a statement


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Hit:
    reason: str
    position: int  # in the normalised message
    continuing: bool = False
    end: int = -1


def _stopped_and_held(kind: str, message: str) -> bool:
    """ "Stopped by the police" holds a person at a border ("at the airport") or when the message
    says the person is not out yet; otherwise it may be a check on the road. "At the police
    station" holds a person only when the message says so."""
    not_out = bool(rx("detention.not_released").search(message))
    return not_out or (kind == "stopped" and bool(rx("detention.border").search(message)))


# "was stopped", "被扣了": a passive without the agent named.
_PASSIVE_BEFORE = re.compile(r"(?:被|让|\b(?:was|were|been|got|is|are|being)\s+)$", re.IGNORECASE)


def detentions(clause: Clause, message: str = "") -> Iterator[Hit]:
    """A person held. Not someone of another company ("同行的公司老板被抓了") nor people in general."""
    if about_others(clause):
        return
    for kind in ("person", "passive", "any", "agent", "stopped", "at_station", "summoned"):
        for match in rx(f"detention.{kind}").finditer(clause.text):
            # A quoted term of the law is still a detention ("put under 'residential surveillance'").
            if in_title(clause, match) or not real(clause, match.start(), labels=False):
                continue
            if rx("detention.concept").match(clause.text, match.end()):  # "羁押期限", "detention period"
                continue
            nearest = _patient(clause, match, "near")
            if nearest is not None and nearest.fictional:  # "被关进监狱的角色要逃出来"
                continue
            chinese = bool(CJK.search(match.group()))
            if kind == "passive":
                patient = _patient(clause, match, "left")
                if patient is not None and not patient.person:
                    continue
            elif kind == "any":
                patient = _patient(clause, match, "near")
                if (patient is not None and not patient.person) or _object_is_a_thing(clause, match):
                    continue
            elif kind == "summoned" and not _stopped_and_held(kind, message):
                continue
            elif kind in ("agent", "stopped", "at_station"):
                passive = kind != "agent" and bool(_PASSIVE_BEFORE.search(clause.text[: match.start()]))
                if not (has_authority(clause) or passive or (not chinese and _IMPERSONAL.match(clause.text))):
                    continue
                if kind != "agent" and not _stopped_and_held(kind, message):
                    continue
                if _object_is_a_thing(clause, match):
                    continue
                patient = _patient(clause, match, "right" if kind == "agent" and not chinese else "near")
                if patient is None and not chinese:
                    continue
                if patient is not None and not patient.person:
                    continue
            yield Hit("detention", clause.offset + match.start(), end=clause.offset + match.end())


def incidents(
    clause: Clause, following: Clause | None, present_only: bool = True, preceding: Clause | None = None
) -> Iterator[Hit]:
    """An attack or leak under way; with `present_only` False, any attack or leak the clause
    reports as a fact, whenever it happened. A clause next to it in the sentence may say it goes
    on ("transactions are leaving our wallet every few minutes, we think the key leaked")."""
    senses = [m.span() for m in rx("incident.other_senses").finditer(clause.text)]
    for match in rx("incident.cues").finditer(clause.text):
        if any(s <= match.start() < e or match.start() <= s < match.end() for s, e in senses):
            continue
        at = match.start()
        if (
            negated(clause, at)
            or hypothetical(clause, at)
            or framed(clause, at)
            or clause.time == "far_future"
        ):
            continue
        if clause.has("hypothetical.topic_nouns"):
            continue
        if not present_only:
            yield Hit("ongoing_incident", clause.offset + at)
            continue
        borrow = following is not None and clause.time is None and not following.has("incident.cues")
        nearby = [clause] + ([following] if following is not None and borrow else [])
        before = preceding is not None and clause.time is None and preceding.time is None
        if preceding is not None and before and not preceding.question and not preceding.has("incident.cues"):
            nearby.append(preceding)
        continuing = any(c.has("incident.continuing") for c in nearby)
        inherent = any(rx("incident.inherent").search(c.text) for c in nearby)
        recent = any(c.has("incident.recent") for c in nearby)
        if clause.time == "far_past" and not continuing:
            continue
        if continuing or inherent or recent:
            yield Hit("ongoing_incident", clause.offset + at, continuing)


_SUSPECTS = ("incident.strangers", "incident.insiders")


def _suspects(clause: Clause, before: int, kinds: Sequence[str] = _SUSPECTS) -> list[re.Match[str]]:
    found = [m for kind in kinds for m in rx(kind).finditer(clause.text[:before])]
    return sorted(found, key=lambda m: m.end())


def _suspect(clauses: Sequence[Clause], index: int, at: int, kinds: Sequence[str] = _SUSPECTS) -> bool:
    """Someone who should not have the data does it: a suspect named in this clause or before,
    and no "we" nearer the verb ("we are still exporting data to Singapore" is our own work)."""
    clause = clauses[index]
    suspects = [m.end() for m in _suspects(clause, at, kinds)]
    ours = [m.start() for m in rx("incident.ourselves").finditer(clause.text[:at])]
    if ours and (not suspects or ours[-1] >= max(suspects)):
        return False
    return bool(suspects) or any(_suspects(c, len(c.text), kinds) for c in clauses[:index])


def _goes_on(clauses: Sequence[Clause], index: int) -> bool:
    """The clause, or the next one of its sentence ("…, it's still going"), says it goes on."""
    clause = clauses[index]
    nearby = [clause] + [c for c in clauses[index + 1 : index + 2] if c.sentence == clause.sentence]
    return any(c.has("incident.continuing") or c.has("incident.still_going") for c in nearby)


def insider_acts(clauses: Sequence[Clause], index: int, going_on: bool = True) -> Iterator[Hit]:
    """Data still leaving without attack words: an unknown account still exporting, an insider
    still copying, an account nobody created still logged in ("内鬼还在往外发资料")."""
    clause = clauses[index]
    if clause.time == "far_future" or clause.has("hypothetical.topic_nouns"):
        return
    if going_on and not _goes_on(clauses, index):
        return
    before = [c for c in clauses[max(0, index - 1) : index] if c.sentence == clause.sentence]
    has_data = any(c.has("incident.data") for c in [clause, *before])
    for path in ("incident.moves", "incident.access", "incident.open_account"):
        kinds = ("incident.strangers",) if path == "incident.open_account" else _SUSPECTS
        for match in rx(path).finditer(clause.text):
            at = match.start()
            if path == "incident.moves" and not has_data:
                continue
            agent_end = max((m.end() for m in _suspects(clause, at)), default=0)
            if negated(clause, at, agent_end) or hypothetical(clause, at) or framed(clause, at):
                continue
            if _suspect(clauses, index, at, kinds):
                yield Hit("ongoing_incident", clause.offset + at, continuing=going_on)


def still_going(clauses: Sequence[Clause]) -> Iterator[Hit]:
    """ "It's still going" / "现在还在导": an incident named anywhere in the message goes on."""
    named = any(
        any(True for _ in incidents(c, None, present_only=False))
        or any(True for _ in insider_acts(clauses, i, False))
        for i, c in enumerate(clauses)
    )
    for clause in clauses if named else ():
        for match in rx("incident.still_going").finditer(clause.text):
            if not hypothetical(clause, match.start()):
                yield Hit("ongoing_incident", clause.offset + match.start(), continuing=True)
