"""The reading apparatus of the triage engine (bot/triage.py): the cutting of a message into
clauses, and the scopes that take a cue out of the present facts of the user's own matter:
negation, time, hypotheticals, hearsay and general questions, titles and quotes, and topics (a
product, a study or a story *about* police or ransomware). The cue vocabularies are read by
bot/triage_vocab.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.triage_vocab import entity_rx, rx

# ---------------------------------------------------------------- clauses

# A colon ends a lead-in ("we need to know whether we must report it: hackers stole..."), not a time.
_SENTENCE = re.compile(r"(?:[^.!?。;:\n]|\.(?=\s*\d|\w)|:(?=\d))+[.!?。;:\n]*")
_CLAUSE_BREAK = re.compile(
    r",|\s+-\s+|—|"
    r"(?<!\beven\s)(?<!\bas\s)\b(?=(?:but|however|although|though|whereas|because|unless|whenever|when|while|"
    r"what\s+if|if|now\s+that|so\s+that|even\s+though|except\s+that)\b)|"
    r"(?=(?<!不)但(?!凡)|不过|可是|然而|虽然|因为|如果|假如|(?<![主只就])要是|万一)|"
    r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])",  # Chinese written with spaces between clauses
    re.IGNORECASE,
)
_ZH_QUESTION = re.compile(
    r"吗|呢|什么|怎么|如何|哪|为什么|为啥|啥|咋|是否|多少|(?<![没不])多久|多长时间|么\s*$|"
    r"会不会|能不能|可不可以|要不要|该不该|是不是|有没有|用不用|需不需要"
)
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Clause:
    text: str
    offset: int  # in the normalised message
    sentence: int
    question: bool
    conditional_at: int | None = None  # position from which a condition ("if") holds
    time: str | None = None  # "far_past" | "far_future" | None
    # An authority named in the clause before, same sentence: the subject this clause leaves
    # out ("网信办的人刚走，让我们三天内整改", "the police came, they took my brother").
    prior_authority: bool = False
    sentence_text: str = ""
    in_sentence: int = 0  # where the clause starts in its sentence
    # What a work or a product named in the clause before is about ("我在写论文，研究羁押期限",
    # "看了个电影，讲医院被勒索的"): every cue in the clause is a topic.
    topic: bool = False

    def has(self, path: str, before: int | None = None) -> bool:
        return any(before is None or match.start() < before for match in rx(path).finditer(self.text))


# "hasnt", "dont": contractions typed without the apostrophe.
_BARE_CONTRACTION = re.compile(
    r"\b(has|have|had|do|does|did|is|are|was|were|could|should|would|ca|wo)nt\b", re.IGNORECASE
)


def normalise(message: str) -> str:
    text = unicodedata.normalize("NFKC", message)
    text = text.replace("’", "'").replace("‘", "'")
    return _BARE_CONTRACTION.sub(r"\1n't", text).replace("can not ", "cannot ")


def _long_ago(text: str, today: date) -> bool:
    for match in rx("time.far_past").finditer(text):
        year = re.search(r"(?:19|20)\d\d", match.group())
        if year is None or int(year.group()) < today.year:
            return True
    return bool(rx("time.experiential").search(text)) and not rx("time.present").search(text)


def split_clauses(message: str, today: date) -> list[Clause]:
    clauses: list[Clause] = []
    for number, sentence in enumerate(_SENTENCE.finditer(message)):
        raw = sentence.group()
        question = "?" in raw or bool(_ZH_QUESTION.search(raw.rstrip(".!?。;\n ")))
        cuts = sorted({0, len(raw), *(m.start() for m in _CLAUSE_BREAK.finditer(raw))})
        previous: Clause | None = None
        fiction = False  # a story is being told from here on
        for start, end in zip(cuts, cuts[1:], strict=False):
            text = raw[start:end]
            if not text.strip(" ,.!?;\n"):
                continue
            clause = Clause(
                text, sentence.start() + start, number, question, sentence_text=raw, in_sentence=start
            )
            # "if possible", "in case it matters", "whether or not", "even if": no condition on the facts.
            formulas = [m.span() for m in rx("hypothetical.formula").finditer(text)]
            condition = next(
                (
                    m
                    for m in rx("hypothetical.conditional").finditer(text)
                    if not any(s <= m.start() < e for s, e in formulas)
                ),
                None,
            )
            # "来了几个警察。他们把我老公带走了": the sentence before may name who "they" are.
            clause.prior_authority = previous is None and bool(clauses) and names_authority(clauses[-1])
            if previous is not None:
                clause.prior_authority = names_authority(previous)
                clause.topic = bool(rx("hypothetical.work_end").search(previous.text)) and bool(
                    rx("hypothetical.topic_lead").match(text)
                )
                fiction = fiction or bool(rx("hypothetical.fiction").search(previous.text))
                clause.topic = clause.topic or (fiction and not entity_rx("first_person").search(text))
            # "网信办会不会 | 因为我们没备案就罚款": the question's modal governs the clause cut off.
            if previous is not None and (
                previous.conditional_at is not None
                or (question and rx("hypothetical.open_modal").search(previous.text))
            ):
                clause.conditional_at = 0
            elif condition:
                clause.conditional_at = condition.start()
            if _long_ago(text, today):
                clause.time = "far_past"
            elif rx("time.far_future").search(text):
                clause.time = "far_future"
            elif previous is not None:
                now = clause.has("incident.continuing") or clause.has("time.present")
                clause.time = None if now else previous.time
            if clause.time is None and clauses and rx("time.anaphoric").search(text):
                # "去年3月丢了电脑。当时报了警": "当时" is the time told before
                clause.time = next((c.time for c in reversed(clauses) if c.time), None)
            clauses.append(clause)
            previous = clause
    return clauses


# ---------------------------------------------------------------- scopes


def negated(clause: Clause, at: int, since: int = 0) -> bool:
    """A negator governs the cue at `at`: a few words (or characters) before it, same clause,
    after `since` (a negator inside "someone we don't know", "不认识的" qualifies the agent)."""
    before = clause.text[since:at]
    if CJK.search(before[-2:] or "") or (at < len(clause.text) and CJK.match(clause.text[at])):
        window = before[-8:]
    else:
        window = " ".join(before.split()[-4:])
        window = " " + window if window else window
    barriers = list(rx("negation.barrier").finditer(window))
    if barriers:
        window = window[barriers[-1].end() :]
    if rx("negation").search(window):
        return True
    # "None of our people have been arrested": a negative subject opening the clause governs its
    # verb, a few words on, until an "and" or a "but".
    subject = rx("negation.subject").match(clause.text)
    if subject is None or subject.start() < since or not 0 <= at - subject.end() <= 40:
        return False
    return not re.search(r"\b(?:and|but)\b", clause.text[subject.end() : at], re.IGNORECASE)  # "or": one list


PAST_VERB = re.compile(
    r"\w+ed\b|\b(?:took|taken|came|got|caught|held|sent|gave|given|froze|frozen)\b", re.IGNORECASE
)


def hypothetical(clause: Clause, at: int) -> bool:
    """The cue is a condition, a fear, a plan or a question about the general case. A question
    about a past event presupposes it ("Is it legal that they detained him?")."""
    if clause.conditional_at is not None and clause.conditional_at <= at:
        return True
    if clause.has("hypothetical.clause_wide"):
        return True
    if clause.has("hypothetical.modal", before=at) or _hearsay(clause, at):
        return True
    for intention in rx("hypothetical.intention").finditer(clause.text[:at]):
        reach = 8 if CJK.search(intention.group()) else 25
        if at - intention.end() <= reach:
            return True
    if clause.question:
        if clause.has("hypothetical.definition") or general_question(clause):
            return True
        if clause.has("hypothetical.aux_question") and not PAST_VERB.match(clause.text, at):
            return True
        if clause.has("hypothetical.question_modal", before=at):
            return True
    return False


def _hearsay(clause: Clause, at: int) -> bool:
    """A rumour ("听说网信办要查", "I heard the police are checking apps"), not what happened to one
    of ours ("听说我们网管让公安带走了")."""
    upto = clause.sentence_text[: clause.in_sentence + at] if clause.sentence_text else clause.text[:at]
    heard = list(rx("hypothetical.hearsay").finditer(upto))  # it governs the rest of its sentence
    if not heard:
        return False
    return not rx("hypothetical.ours").search(upto[heard[-1].end() :]) or clause.has("hypothetical.foretold")


def general_question(clause: Clause) -> bool:
    """ "勒索攻击要不要24小时内报告网信办": a question about the general case, nothing of ours."""
    return (
        clause.question
        and clause.has("hypothetical.general_question")
        and "了" not in clause.text
        and not entity_rx("first_person").search(clause.text)
        and not clause.has("incident.continuing")
        and not clause.has("incident.recent")
    )


def generic_law(clause: Clause) -> bool:
    """A statement about what the law says, with no one of ours in it."""
    return clause.has("hypothetical.law") and not entity_rx("first_person").search(clause.text)


def about_others(clause: Clause, company_matter: bool = True) -> bool:
    """Another company's matter, or people in general ("people get arrested for it")."""
    if company_matter and clause.has("authority.other_party"):
        return True
    return (
        clause.has("authority.generic_subject")
        and not entity_rx("first_person").search(clause.text)
        and not clause.has("incident.recent")
    )


def _not_now(clause: Clause) -> bool:
    return clause.time is not None


def real(clause: Clause, at: int, labels: bool = True) -> bool:
    scoped = negated(clause, at) or hypothetical(clause, at) or _not_now(clause)
    return not (scoped or framed(clause, at, labels))


def quoted(text: str, at: int) -> bool:
    """The word at `at` stands inside quotes or a title's brackets that hold a name or a label
    ("a 'ransom' quest", "《狂飙》"), not inside quoted words of someone ("警察说“人要关15天”")."""
    before = text[:at]
    if before[-1:] == "'":  # 'ransom', 'summons': a short quoted label
        end = text.find("'", at)
        return 0 < end - at <= 20
    for opening, closing in (("“", "”"), ("《", "》"), ("「", "」"), ('"', '"')):
        start = before.rfind(opening)
        inside = (
            before.count(opening) % 2 == 1
            if opening == closing
            else before.count(opening) > before.count(closing)
        )
        end = text.find(closing, at)
        if inside and (end == -1 or end - start <= 16 or opening == "《"):
            return True
    return False


def in_title(clause: Clause, match: re.Match[str]) -> bool:
    """ "Arrested Development": a capitalised cue next to another capitalised word, or a quote."""
    text = clause.text
    before = text[: match.start()]
    if before[-1:] in ("'", '"') and text[match.end() : match.end() + 1] in ("'", '"'):  # 'detained'
        return True
    for opening, closing in (("“", "”"), ("《", "》"), ("「", "」")):
        if before.count(opening) > before.count(closing):
            return True
    word = match.group()
    if not word[:1].isupper():
        return False
    after = text[match.end() :].lstrip()
    previous = before.split()[-1:] if before.strip() else []
    next_capital = bool(after[:1].isupper()) and not after.startswith("I ")
    previous_capital = bool(previous and previous[0][:1].isupper() and previous[0] not in ("I",))
    return next_capital or previous_capital


def framed(clause: Clause, at: int, labels: bool = True) -> bool:
    """The word at `at` names what a product, a work or a study is about, not an event of the
    user's ("a game mode set in a detention centre", "an app called 'Police Radar'", "我的论文写的是
    刑事拘留期限")."""
    if clause.topic or any(link.end() <= at for link in rx("hypothetical.topic").finditer(clause.text)):
        return True
    if labels and quoted(clause.text, at):  # "a 'ransom' quest", "有个'警察来了'提醒功能"
        return True
    return any(
        span.start() <= at < span.end() for span in rx("hypothetical.topic_span").finditer(clause.text)
    )


def names_authority(clause: Clause) -> bool:
    """An authority acts in the clause: not in a product's name ("Police Radar"), not posed as ("自称公安")."""
    posed = rx("entities.impostor")
    return any(
        not framed(clause, m.start()) and not posed.search(clause.text[max(0, m.start() - 30) : m.start()])
        for m in entity_rx("authority").finditer(clause.text)
    )


def has_authority(clause: Clause) -> bool:
    return clause.prior_authority or names_authority(clause)
