"""Triage, read the way a careful paralegal reads an intake message: is someone detained, is an
attack or leak still under way, are the police or a regulator involved, is there a deadline
within two weeks?

Longer than 300 lines: the deadline judgement (which dates bind) reads the whole message's clauses
together with the rules' other findings; split off, it would need most of this module's state.

The message is cut into sentences and clauses (both scripts, full-width punctuation, commas,
"but"/"但是"). In each clause the cues are found together with what they apply to (a person is
held; code, servers and goods are not; an export is an incident when an unknown account or an
insider does it), then the scopes of the clause are applied: negation ("没人被抓", "nobody was
arrested"), time ("last year", "已经处理完", "明年"), hypotheticals and general questions ("what
if the police come", "如果警察来了怎么办", "can the CAC fine us?"), and topics (a game, an app, a
thesis or a film *about* detention or ransomware). Dates count from the day the message names
("today is the 9th") or else from today. A contract running out is no time limit ("合同下周到期");
a time inside a condition binds only as an ultimatum ("unless we pay by Friday"); what a work,
a product or a story is about, and the plot told after "we are writing a novel", are topics.

The engine is split in six modules: bot/triage_text.py (vocabulary, clauses, scopes),
bot/triage_rules.py (the cues of a clause), bot/triage_authority.py (police and regulators,
cancellers), bot/triage_dates.py (dates and durations),
bot/triage_calendar.py (numbers, calendar arithmetic, what day the message says it is) and this
one (the public face, the message as a whole, deadlines). The word lists live in
bot/knowledge/triage.yml; the modules hold only the logic. Pure domain: no Rasa in here."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Mapping, Sequence

from bot import triage_model
from bot.triage_authority import authority_contacts, cancellers, settled_before, user_says_not_urgent
from bot.triage_calendar import anchored_today
from bot.triage_dates import DONE_AFTER, DONE_WITHIN, When, elapsed_days, times
from bot.triage_rules import Hit, detentions, incidents, insider_acts, still_going
from bot.triage_text import (
    CJK,
    Clause,
    framed,
    general_question,
    generic_law,
    has_authority,
    hypothetical,
    negated,
    normalise,
    real,
    split_clauses,
)
from bot.triage_vocab import node, rx

REASONS: tuple[str, ...] = ("detention", "ongoing_incident", "authority_contact", "deadline")
# About two weeks; 15 days keeps the usual fifteen-day answer and objection periods (答辩期) in.
URGENT_WITHIN_DAYS = 15

# Answers that by themselves make a matter urgent: (question key, value) -> reason
# (the same mapping as bot/intake.py).
_URGENT_ANSWERS: dict[tuple[str, str], str] = {
    ("ongoing_or_contained", "ongoing"): "ongoing_incident",
    ("regulators_involved", "yes"): "authority_contact",
    ("authority_request", "yes"): "authority_contact",
    ("received", "inspection"): "authority_contact",
    ("received", "rectification"): "authority_contact",
    ("received", "penalty"): "authority_contact",
    ("stage", "investigation"): "authority_contact",
    ("stage", "charged"): "authority_contact",
    ("stage", "detained"): "detention",
}
# Answers that say a reason found in the opening message no longer holds.
_CALMING_ANSWERS: dict[tuple[str, str], str] = {
    ("ongoing_or_contained", "contained"): "ongoing_incident",
}
# Stored answers that carry no text to read ("don't know", "skip", two bad answers).
_EMPTY_ANSWERS = frozenset({"", "unknown", "unclear", "unsure", "skip"})


@dataclass(frozen=True)
class Triage:
    urgency: str  # "high" | "normal"
    reasons: tuple[str, ...]  # drawn from REASONS, in that order


def _findings(message: str, today: date, deadline_answer: bool = False) -> set[str]:
    text = normalise(message)
    today = anchored_today(text, today)
    clauses = split_clauses(text, today)
    hits: list[Hit] = []
    released: list[int] = []
    contained: list[int] = []
    resolved: list[int] = []
    for index, clause in enumerate(clauses):
        following = clauses[index + 1] if index + 1 < len(clauses) else None
        if following is not None and following.sentence != clause.sentence:
            following = None
        detained = list(detentions(clause, text))
        hits.extend(detained)
        preceding = clauses[index - 1] if index and clauses[index - 1].sentence == clause.sentence else None
        hits.extend(incidents(clause, following, preceding=preceding))
        hits.extend(insider_acts(clauses, index))
        hits.extend(authority_contacts(clause, detained))
        for match in rx("detention.bail").finditer(clause.text):
            # "A former employee of ours got bail": someone who has left us, not our matter.
            upto = clause.sentence_text[: clause.in_sentence + match.start()]
            if real(clause, match.start()):
                released.append(clause.offset + match.start())
                if not rx("detention.former").search(upto):
                    hits.append(Hit("authority_contact", clause.offset + match.start()))
        released.extend(cancellers(clause, "detention.release"))
        contained.extend(cancellers(clause, "incident.contained"))
        resolved.extend(cancellers(clause, "authority.resolved"))

    hits.extend(still_going(clauses))

    def stands(hit: Hit) -> bool:
        if hit.reason == "detention":
            return not any(p > hit.position for p in released)
        if hit.reason == "ongoing_incident":
            # Once the user says it is contained, only a later "still ..." reopens it.
            return not contained or (hit.continuing and all(p < hit.position for p in contained))
        if hit.reason == "authority_contact":
            # "处罚决定也撤销了": the settling words may start where the cue does.
            return not any(p >= hit.position for p in resolved)
        return True

    found = {hit.reason for hit in hits if stands(hit)}
    if not user_says_not_urgent(clauses) and _deadline(clauses, today, deadline_answer):
        found.add("deadline")
    return found


def _deadline(clauses: Sequence[Clause], today: date, deadline_answer: bool) -> bool:
    """A date within two weeks that binds: bounded ("by", "前"), an obligation, set by an authority,
    or answered to the deadline question; not when it is only when something happened ("received
    the notice today"), how fast an attack went, a restriction ("don't leave town for a few
    days") or an exercise ("a moot court hearing on the 18th")."""
    elapsed = elapsed_days(" ".join(c.text for c in clauses))
    for index, clause in enumerate(clauses):
        if (
            clause.time == "far_past"
            or general_question(clause)
            or clause.has("deadline.not_legal")
            or clause.has("authority.outreach")
            or (clause.has("authority.service") and not clause.has("authority.imposed"))
            or (clause.has("deadline.contract_terms") and clause.has("deadline.other_side_duty"))
            or (
                clause.question
                and (clause.has("hypothetical.definition") or clause.has("hypothetical.aux_question"))
            )
        ):
            continue
        # "Don't leave town these days" bounds a restriction, not something to be done.
        if clause.has("deadline.restriction"):
            continue
        # "We received the notice today": today is when it happened.
        happened_today = clause.has("deadline.event") and not clause.has("deadline.strong")
        # ", ten days from now.": a time said again after the clause that says what is due.
        before = clauses[index - 1] if index and clauses[index - 1].sentence == clause.sentence else None
        plan = clause.has("deadline.plan")
        obligation = _binds(clause) or (before is not None and _only_time(clause, today) and _binds(before))
        obligation = obligation or (clause.has("deadline.signing") and not plan)  # "we sign on Monday"
        # A date the police or a regulator set (an interview, a reply) binds like a deadline.
        set_by_authority = has_authority(clause) and not clause.has("hypothetical.intention")
        # "…will revoke our permit if we don't reply within 10 days": the negation is the threat's.
        threat = clause.conditional_at is not None and any(
            c.has("deadline.future") for c in clauses if c.sentence == clause.sentence
        )
        # "…if we don't pay within 48 hours": a condition with a "not" in it is an ultimatum.
        ultimatum = threat and any(
            rx("negation").search(c.text) or c.has("deadline.ultimatum")
            for c in clauses
            if c.sentence == clause.sentence
        )
        # "locked again within an hour": how fast an attack went, not a time limit.
        attack_speed = not obligation and clause.has("incident.cues") and not clause.has("deadline.future")
        # "PIPL requires notice within 72 hours" says what the law says; a law names no calendar
        # day ("the investor needs a PIPL opinion by next Monday").
        law_only = generic_law(clause)
        for when in times(clause.text, today):
            # "must reply within 20 days, and we got it 10 days ago": what is left of the period.
            if when.bounded and not when.point and when.days is not None and elapsed is not None:
                when = replace(when, days=when.days - elapsed)
            if when.days is None or not 0 <= when.days <= URGENT_WITHIN_DAYS or attack_speed:
                continue
            if law_only and not when.point:
                continue
            if negated(clause, when.start) and not threat:
                continue
            done = DONE_WITHIN.search(clause.text[: when.start]) or (
                not when.point and DONE_AFTER.match(clause.text, when.end)
            )
            if done or framed(clause, when.start) or _excuse(clause, when.start):
                continue
            if when.days == 0 and not when.bounded and happened_today:
                continue
            if deadline_answer:
                return True
            if _imminent(clauses, clause, when):
                return True
            ahead = when.future or (when.days > 0 and clause.has("deadline.summons"))
            if set_by_authority and ahead and not hypothetical(clause, when.start):
                return True
            # A plan binds only with a bound and an obligation ("we plan to notify them next week").
            bound = when.bounded or clause.has("deadline.proceeding")  # a hearing is set, not planned
            if plan and not (obligation and bound) or (_supposed(clause, when.start) and not ultimatum):
                continue
            if (when.bounded and not _lapse_date(clause, when.start)) or obligation:
                return True
    return False


def _imminent(clauses: Sequence[Clause], clause: Clause, when: When) -> bool:
    """An event close at hand that a legal problem hangs on ("the app goes live next Monday and
    there is no privacy policy", "他下礼拜入职竞争对手，签了竞业协议", "my contract ends in 10 days
    over a false accusation"): the event and its date in one clause, a stake anywhere in the
    message outside a general question. Not a meeting or a review (no event), nothing far off or
    past, nothing supposed ("如果下周上线…")."""
    if not (when.future or when.days) or _supposed(clause, when.start) or hypothetical(clause, when.start):
        return False
    if not any(abs(m.start() - when.start) <= 40 for m in rx("deadline.imminent").finditer(clause.text)):
        return False
    return any(c.has("deadline.stake") and not general_question(c) and c.time != "far_past" for c in clauses)


def _excuse(clause: Clause, at: int) -> bool:
    """The date is the other side's repeated promise ("they keep saying next week", "总说下周给")."""
    return any(m.end() <= at and at - m.end() <= 40 for m in rx("deadline.excuse").finditer(clause.text))


def _supposed(clause: Clause, at: int) -> bool:
    """The time limit is part of a condition or of a general question ("如果泄露了，72小时内要做什么",
    "Do we have to delete it within 7 days?"), not "we can ask for a hearing within 3 days"."""
    conditional = clause.conditional_at is not None and clause.conditional_at <= at
    return (
        conditional
        or general_question(clause)
        or (clause.question and clause.has("hypothetical.aux_question"))
    )


def _lapse_date(clause: Clause, at: int) -> bool:
    """The date is when a contract runs out ("合同下周到期", "the lease expires next week")."""
    return any(m.start() <= at <= m.end() + 8 for m in rx("deadline.lapse").finditer(clause.text))


def _binds(clause: Clause) -> bool:
    """An obligation word outside a contract's or a subscription's own expiry ("合同下周到期")."""
    lapses = [m.span() for m in rx("deadline.lapse").finditer(clause.text)]
    return any(
        not any(start <= m.start() < end for start, end in lapses)
        for m in rx("deadline.obligation").finditer(clause.text)
    )


def _only_time(clause: Clause, today: date) -> bool:
    """The clause is a time and little else (", ten days from now", "，也就是下周三")."""
    rest = clause.text
    for when in sorted(times(clause.text, today), key=lambda w: w.start, reverse=True):
        rest = rest[: when.start] + " " + rest[when.end :]
    words = re.findall(r"[A-Za-z]+", rest)
    return len(words) <= 3 and len(CJK.findall(rest)) <= 4 and len(rest) < len(clause.text)


# ---------------------------------------------------------------- the public face


def assess(message: str, answers: Mapping[str, object] | None = None, today: date | None = None) -> Triage:
    """How urgent the matter is and why: in the message and in the follow-up answers.
    `today` places relative dates ("周五前", "by December 3"); it defaults to date.today()."""
    today = today or date.today()
    told = _findings(message or "", today)
    found = set(told) or _second_reading(message or "", today)
    settled = settled_before(message or "", today)
    for key, value in (answers or {}).items():
        code = (key, str(value))
        if code in _URGENT_ANSWERS:
            # "去年被罚过，罚款早交完了": the penalty was received, and it is over.
            if not (settled and _URGENT_ANSWERS[code] == "authority_contact"):
                found.add(_URGENT_ANSWERS[code])
        elif code in _CALMING_ANSWERS:
            found.discard(_CALMING_ANSWERS[code])
        elif isinstance(value, str) and value.strip().lower() not in _EMPTY_ANSWERS:
            deadline_key = key in set(node("deadline_answer_keys"))
            alone = _findings(value, today, deadline_answer=deadline_key)
            if settled:  # "行政处罚决定书，罚款两万，已经交了": the authority's matter told as over
                alone -= {"authority_contact", "deadline"}
            found |= alone
            # "还在发" answered about the leak the story told: the story says what is still going on
            if message and not alone and "ongoing_incident" not in found:
                found |= {"ongoing_incident"} & (_findings(f"{message}。{value}", today) - told)
    reasons = tuple(reason for reason in REASONS if reason in found)
    return Triage("high" if reasons else "normal", reasons)


def demand_without_date(message: str, today: date | None = None) -> bool:
    """The description names a letter, notice or demand asking the user to act ("律师函", "不补交就
    下架", "a notice telling us to rectify"), or a shop or account closed or frozen, and no deadline:
    the date is worth asking for. Not when it is told as long ago or settled, nor when the user says
    there is no hurry."""
    text = normalise(message or "")
    if not rx("demands").search(text):
        return False
    today = today or date.today()
    clauses = split_clauses(text, anchored_today(text, today))
    if not any(c.time != "far_past" and c.has("demands") for c in clauses):
        return False  # "去年收到过律师函": long ago
    return not (
        "deadline" in _findings(message, today)
        or settled_before(message, today)
        or user_says_not_urgent(clauses)
    )


@functools.lru_cache(maxsize=1)
def reader() -> triage_model.UrgencyModel:
    """The statistical second reader (bot/triage_model.py); the descriptions it learns "calm"
    from are those the rules find nothing in (judged as of a fixed day: repeatable)."""
    return triage_model.reader(lambda text: not _findings(text, date(2026, 1, 5)))


def warm() -> None:
    """Loads or trains the second reader now (the action server, at start)."""
    reader()


def findings(message: str, today: date) -> set[str]:
    """The reasons the rules alone find in one message (no answers, no second reader)."""
    return _findings(message, today)


def rules_defer(message: str) -> bool:
    """The message holds words with which the rules judge a cue calm (knowledge/triage.yml,
    second_reader.defer_to): their "nothing urgent" is a judgement, not a blind spot."""
    text = normalise(message)
    return any(rx(path).search(text) for path in node("second_reader.defer_to"))


def _second_reading(message: str, today: date) -> set[str]:
    """What the second reader finds where the rules found nothing; where the rules judged a cue
    calm (knowledge/triage.yml, second_reader.defer_to) it must be nearly sure to overrule them
    (triage_model.DEFERRED_AT); never against the user's "not urgent"."""
    text = normalise(message)
    if not text.strip():
        return set()
    today = anchored_today(text, today)
    clauses = split_clauses(text, today)
    if user_says_not_urgent(clauses) or any(rx(path).search(text) for path in node("second_reader.veto")):
        return set()
    deferred = rules_defer(message)
    found = reader().reasons(message, triage_model.DEFERRED_AT if deferred else triage_model.URGENT_AT)
    if any(times(clause.text, today) for clause in clauses):
        found.discard("deadline")  # a date or duration the rules read is theirs to count
    return found


def is_contest(message: str) -> bool:
    """The user disputes that the matter is urgent ("为什么写紧急？没人被抓", "it's not urgent")."""
    return bool(rx("contest.disputes").search(normalise(message or "")))


def reason_label(reason: str, language: str) -> str:
    """A reason in plain words ("someone is detained" / "有人被羁押"), never the code."""
    labels = node("labels")
    if reason not in labels:
        raise ValueError(f"unknown triage reason {reason!r}")
    words = labels[reason]
    return str(words.get(language) or words["en"])


def answer_reason(key: str, value: str) -> str | None:
    """The reason an answer makes a matter urgent by itself (("stage", "detained") -> "detention")."""
    return _URGENT_ANSWERS.get((key, value))
