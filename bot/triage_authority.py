"""Contact with the police or a regulator in one clause (for the triage engine, bot/triage.py),
the words that cancel a finding: released, contained, resolved, "not urgent", and whether a
message tells the authority's matter as over (an intake answer "a penalty was received" then
adds no urgency)."""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator, Sequence

from bot.triage_calendar import anchored_today
from bot.triage_rules import Hit
from bot.triage_text import (
    Clause,
    about_others,
    generic_law,
    has_authority,
    hypothetical,
    negated,
    normalise,
    real,
    split_clauses,
)
from bot.triage_vocab import rx


def authority_contacts(clause: Clause, detained: Sequence[Hit] = ()) -> Iterator[Hit]:
    """Police or regulator contact. Taking a person away is a detention, not also a contact."""
    service = clause.has("authority.service") and not clause.has("authority.imposed")
    if generic_law(clause) or clause.has("authority.outreach") or service:
        return
    if rx("authority.posed").search(clause.sentence_text or clause.text):
        return
    authority = has_authority(clause)
    # "asked for our purchase invoices": what they want handed over, not a customer's dealings.
    commercial = clause.has("authority.commercial") and not clause.has("authority.document_request")
    if about_others(clause) or (commercial and not authority):
        return
    # "广告用语被罚 还可能封号": what only a platform does may stand anywhere in the sentence.
    acts = rx("authority.platform_acts").search(clause.sentence_text or clause.text)
    platform = (clause.has("authority.platform") or bool(acts)) and not authority

    def taking(match: re.Match[str]) -> bool:
        start, end = clause.offset + match.start(), clause.offset + match.end()
        return any(d.position < end and start < d.end for d in detained)

    # "Police came to his office and took him away": the visit is the detention's, not a contact.
    arrival = rx("authority.arrival")

    def visit_for_detention(match: re.Match[str]) -> bool:
        return bool(detained) and bool(arrival.fullmatch(match.group()))

    # "辅导员约谈": a school, an employer or a landlord holding talks, no authority named.
    non_state = clause.has("authority.non_state") and not authority
    for match in rx("authority.intrinsic").finditer(clause.text):
        if real(clause, match.start()) and not platform and not non_state and not taking(match):
            yield Hit("authority_contact", clause.offset + match.start())
    # "nothing came of it": the settling words hold the act's own word
    settling = [m.span() for m in rx("authority.resolved").finditer(clause.text)]
    if authority and not commercial:
        for match in rx("authority.with_authority").finditer(clause.text):
            inside = any(start <= match.start() < end for start, end in settling)
            if inside or taking(match) or visit_for_detention(match) or not real(clause, match.start()):
                continue
            yield Hit("authority_contact", clause.offset + match.start())
    for match in rx("authority.received").finditer(clause.text):
        # What arrived may be named further on in the sentence ("收到通知，如果…不答复，将吊销…").
        at = clause.in_sentence + match.start()
        rest = clause.sentence_text[max(0, at - 40) : at + 60]
        official = bool(rx("authority.official_documents").search(rest))
        document = bool(rx("authority.documents").search(rest))
        if (official or (authority and document)) and not commercial and real(clause, match.start()):
            yield Hit("authority_contact", clause.offset + match.start())


def cancellers(clause: Clause, path: str) -> Iterator[int]:
    for match in rx(path).finditer(clause.text):
        if not negated(clause, match.start()) and not hypothetical(clause, match.start()):
            yield clause.offset + match.start()


def user_says_not_urgent(clauses: Sequence[Clause]) -> bool:
    """The user says there is no hurry, and names no other matter as more pressing ("no hurry on
    that; more pressing, …", "这个不急。更要紧的是…")."""
    calm = any(rx("deadline.none").search(c.text) for c in clauses)
    return calm and not any(c.has("deadline.more_urgent") for c in clauses)


def settled_before(message: str, today: date) -> bool:
    """The message tells the authority's matter as over: paid, closed, rectified, or only long ago
    or far ahead ("去年让市场监管局罚过一回，罚款早交完了", "we were fined in 2022 and paid",
    "fined last year, and they announced a re-inspection sometime next year")."""
    text = normalise(message)
    clauses = split_clauses(text, anchored_today(text, today))
    if any(True for clause in clauses for _ in cancellers(clause, "authority.resolved")):
        return True
    named = [c for c in clauses if has_authority(c) or c.has("authority.intrinsic")]
    # over long ago, or only announced for a far-off day ("a re-inspection sometime next year")
    return bool(named) and all(c.time in ("far_past", "far_future") for c in named)
