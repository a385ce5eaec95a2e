"""What an answer means: a yes or a no typed in either language, the option a typed or tapped
answer picks (its value, number, label or part of a label), "don't know", and answers that are
not answers at all (keyboard mashing, symbols)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.replies import Choice, Said

SKIP = "skip"  # the value of the "skip" choice

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")

# A clear yes or no, typed as people type them. A negation is looked for first, except inside
# the phrases that say yes with a negative word ("没问题", "no problem", "不错").
_YES_DESPITE_NEGATION = re.compile(
    r"没问题|没错|不错|没毛病|没有问题|没什么问题|no problem|not a problem|no worries|why not", re.IGNORECASE
)
_NO = re.compile(
    r"^(?:no|nope|nah|not (?:now|yet|really|at the moment)|no thanks|no,|never ?mind|rather not|"
    r"i'?d rather not|don'?t|do not|please don'?t|cancel|stop|decline|disagree|i disagree|refuse|"
    r"keep it|just keep|only keep|not interested|(?:absolutely|certainly|definitely|of course) not|"
    r"not (?:ok|okay|fine|agreed?)|no consent)\b|"
    r"\bi (?:don'?t|do not|won'?t|will not) (?:consent|agree|accept)\b|^(?:不行|不可以|不好|不接受|不授权|不允许)|"
    r"^(?:不|别(?!的|处|人)|先不|暂不|暂时不|还是不|不用|不要|不需要|不必|算了|不发|不同意|不想|取消|否|拒绝|免了|不了|先别)|"
    r"\b(?:don'?t (?:send|share|agree|delete|want)|do not (?:send|share|agree|delete))\b|"
    r"(?:不要|别|先不|暂不|不)(?:发|发送|分享|转|给|删|同意)",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^(?:y|yes|yeah|yep|yup|ya|sure|ok|okay|k|fine|alright|all right|go ahead|go on|please do|please(?=[\s.!]*$)|"
    r"agree|agreed|i agree|i do|confirm|confirmed|correct|right|that'?s right|that'?s correct|exactly|"
    r"looks (?:good|fine|right|correct)|all (?:good|correct|fine)|sounds good|perfect|great|"
    r"send|send it|do it|delete it|yes please|of course|certainly|absolutely|"
    r"consent|consented|i consent|consent given|i give (?:my )?(?:consent|permission)|"
    r"you have my (?:consent|permission|ok)|permission granted|accept|accepted|i accept|"
    r"proceed|continue|go for it|that'?s (?:fine|ok|okay)|sounds (?:fine|ok|okay))\b|"
    r"^(?:ok|okay)(?=[的了啦吧呀]|$)|"
    r"^i (?:hereby |can )?(?:confirm|agree|accept|consent)\b|"
    r"^(?:the |this |all |everything )?(?:above |information |info |details |summary |data )*"
    r"(?:is|are|looks?) (?:all |fully |entirely )?(?:correct|accurate|right|fine)\b|"
    r"^(?:是|对|好|行|可以|同意|确认|确定|没问题|没错|嗯|恩|发吧|发送|删吧|删除吧|就这样|正确|当然|可|中|妥|要|需要|愿意|成|得)|"
    r"(?:同意|确认无误|(?<![有])无误|确定|可以|没问题|好的|行吧|发吧|删吧|都对|对的|是的|授权|允许|接受|没意见)",
    re.IGNORECASE,
)
# Consent said by naming what may be done: "存着吧", "记下来就行", "you can keep my details",
# "store it", "save them". A negation anywhere is looked for first (`_NO`, "别存", "don't keep").
_YES_BY_DOING = re.compile(
    r"^(?:就|那就|那|你)?(?:存|保存|存储|储存|记|记录|记下|留|留着|保留|收集|登记|用)(?:着|下|下来|起来)?"
    r"(?:吧|呗|就行|就好|好了|可以|没事|[\s,，。.!！]|$)|"
    r"(?:可以|能|就|随便|尽管|放心)(?:存|保存|存储|记录|记下|留|保留|收集|登记|用)|"
    r"\b(?:you (?:can|may|could) (?:keep|store|save|record|hold|use|have|collect|take)|"
    r"(?:keep|store|save|record|hold|collect|take) (?:it|them|that|this|those|my (?:details|data|info|information))\b)",
    re.IGNORECASE,
)
# Still deciding: "嗯，我再想想", "let me think": neither a yes nor a no.
_UNDECIDED = re.compile(
    r"再想想|想一想|想想再说|考虑一下|再考虑|犹豫|拿不准|不确定|不一定|"
    r"\b(?:let me think|i'?ll think|think about it|not sure|unsure|maybe later|i don'?t know)\b",
    re.IGNORECASE,
)
# "The rest is fine", "其他都对": the parts not named are confirmed.
_YES_THE_REST = re.compile(
    r"\b(?:other|others|the rest|rest|everything else|all else|the others)\b.{0,16}"
    r"\b(?:ok|okay|fine|correct|right|good|accurate)\b|"
    r"(?:其他|其它|别的|其余|剩下的?|另外的?)(?:的|几项|内容|信息)?(?:都|也|全)?(?:对|没问题|正确|没错|ok|OK|行|可以)",
    re.IGNORECASE,
)


_YES_NO_NUMBER = re.compile(
    r"(?:option|no\.?|#|选|第)?\s*([12])\s*(?:个|项|号)?[\s.,，。:：)）-]*(?:yes|no|ok|是|否|好|同意|不同意)?"
)


def _clean(text: str) -> str:
    return " ".join(text.strip().split()).strip(" .!。！,，~～")


def agreement(said: Said) -> bool | None:
    """A clear yes (True), a clear no (False), or neither (None): for consent and confirmations."""
    if said.choice in ("yes", "confirm"):
        return True
    if said.choice == "no":
        return False
    value = _clean(said.text).lower()
    numbered = _YES_NO_NUMBER.fullmatch(value.translate(_FULLWIDTH_DIGITS))
    if numbered:  # the buttons' number: every yes/no question offers yes first, no second
        return numbered.group(1) == "1"
    if value:
        if _YES_DESPITE_NEGATION.search(value):
            return True
        if _NO.search(value):
            return False
        if _UNDECIDED.search(value):
            return None
        if _YES.search(value) or _YES_BY_DOING.search(value) or _YES_THE_REST.search(value):
            return True
    if said.meaning == "yes":
        return True
    if said.meaning == "no":
        return False
    return None


_SKIP_WORDS = re.compile(
    r"^(?:skip|pass|next|don'?t know|dunno|not sure|no idea|unsure|i don'?t know|i'?m not sure|n/?a|"
    r"跳过|不知道|不清楚|不确定|说不好|不太清楚|不了解|没数|不晓得|下一个|略过)$",
    re.IGNORECASE,
)


def is_skip(said: Said) -> bool:
    """ "Skip", "don't know", "不清楚": the question is passed over."""
    return said.choice == SKIP or bool(_SKIP_WORDS.match(_clean(said.text)))


def normalise(value: str) -> str:
    return re.sub(r"[\s\"'“”‘’.,，。!！?？:：()（）、;；]", "", value.lower())


_NUMBER = re.compile(r"(?:option|no\.?|#|选|第)?\s*([1-9])\s*(?:个|项|号)?")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def pick(choices: Sequence[Choice], said: Said) -> str | None:
    """The choice an answer picks: the button's value, its number, its label in either language,
    or a unique part of a label ("员工" for "Employees / 员工", "先不发" for "不发送")."""
    values = [c.value for c in choices]
    if said.choice in values:
        return said.choice
    typed = normalise(said.text.translate(_FULLWIDTH_DIGITS))
    if not typed:
        return None
    number = _NUMBER.fullmatch(typed)
    if number and 1 <= int(number.group(1)) <= len(choices):
        return values[int(number.group(1)) - 1]
    for choice in choices:
        if typed in (normalise(choice.value), normalise(choice.label)):
            return choice.value
    contained = {c.value for c in choices if len(normalise(c.label)) >= 2 and normalise(c.label) in typed}
    if len(contained) == 1:
        return contained.pop()
    # a part of a label: the typed words all appear in exactly one label
    if len(typed) >= 2:
        partial = {c.value for c in choices if typed in normalise(c.label) or typed in normalise(c.value)}
        if len(partial) == 1:
            return partial.pop()
    return None


def looks_like_garbage(raw: str) -> bool:
    """Keyboard mashing, symbols only, one repeated character: not an answer to anything."""
    value = raw.strip().lower()
    if not value:
        return True
    if not re.search(r"[a-z0-9\u3400-\u4dbf\u4e00-\u9fff]", value):
        return True
    if _CJK.search(value):
        return len(set(value)) == 1 and len(value) > 2
    compact = re.sub(r"[^a-z]", "", value)
    if len(compact) >= 3 and len(set(compact)) <= 2 and len(value.split()) == 1:
        return True
    if len(value.split()) == 1 and len(compact) >= 3 and not re.search(r"\d", value):
        adjacent = sum(
            any(pair in row or pair[::-1] in row for row in _KEYBOARD_ROWS)
            for pair in (compact[i : i + 2] for i in range(len(compact) - 1))
        )
        if adjacent / (len(compact) - 1) >= 0.6:
            return True
        if len(compact) >= 4 and not re.search(r"[aeiouy]", compact):
            return True
    return False
