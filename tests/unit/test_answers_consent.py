"""Consent and confirmations as people say them: agreeing by naming what may be done ("存着吧",
"you may save them"), the rest confirmed ("其余都没问题"), and the near-misses that must stay a
no or stay unclear."""

import pytest

from bot import answers
from bot.replies import Said


@pytest.mark.parametrize(
    "typed",
    [
        "存着吧，能帮上忙就行",
        "记下来吧",
        "那就存吧",
        "可以保存",
        "随便存，没关系",
        "嗯，能记就记",
        "ok，可以留着",
        "好，存储吧",
        "sure, you may save them",
        "fine, you can have my information",
        "yeah store them",
        "keep my details, that's fine",
        "go ahead and record it",
    ],
)
def test_agreeing_by_naming_what_may_be_done_is_a_yes(typed):
    assert answers.agreement(Said(typed)) is True


@pytest.mark.parametrize(
    "typed",
    [
        "其余都没问题",
        "其他的都对",
        "别的也没错",
        "剩下的都正确",
        "the rest is right",
        "everything else looks fine",
        "others are correct",
    ],
)
def test_the_rest_confirmed_is_a_yes(typed):
    assert answers.agreement(Said(typed)) is True


@pytest.mark.parametrize(
    "typed",
    [
        "不同意",
        "别存",
        "不要记录",
        "先别保存",
        "不用存了",
        "no",
        "no, don't store anything",
        "please don't keep my details",
        "I do not consent",
        "don't record it",
    ],
)
def test_a_real_no_stays_a_no(typed):
    assert answers.agreement(Said(typed)) is False


@pytest.mark.parametrize(
    "typed",
    [
        "存疑",
        "用户很多",
        "别人的数据",
        "留言板被黑了",
        "what is this for",
        "用不着吗",
        "嗯，我再想想",
        "ok let me think about it",
    ],
)
def test_words_that_only_look_like_consent_stay_unclear(typed):
    assert answers.agreement(Said(typed)) is None
