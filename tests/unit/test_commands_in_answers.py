"""Words of a command inside an answer are not the command: "my details" in an agreement to keep
them, "我的信息" in a consent. A real request to see or erase one's data still interrupts."""

import pytest

from bot import commands


@pytest.mark.parametrize(
    "typed",
    [
        "可以，我的资料存着吧",
        "好的，我的联系方式你们可以转给律师",
        "行，用我的信息吧",
        "同意，保存我的个人信息",
        "ok, you may store my data",
        "sure, pass my details to the firm",
        "yes, keep my information",
        "fine by me, record my details",
    ],
)
def test_an_agreement_naming_the_details_is_not_a_request_to_see_them(typed):
    assert not commands.is_unmistakable("show_my_data", typed)
    assert not commands.is_unmistakable("delete_my_data", typed)


@pytest.mark.parametrize(
    "typed",
    [
        "我的信息",
        "查看我的数据",
        "你们存了我哪些资料",
        "what do you have about me",
        "show me my data",
        "my details?",
    ],
)
def test_a_real_request_to_see_ones_data_still_interrupts(typed):
    assert commands.is_unmistakable("show_my_data", typed)


@pytest.mark.parametrize(
    "typed", ["删除我的数据", "把我的信息都删了", "delete my data", "please erase my details"]
)
def test_a_real_erasure_request_still_interrupts(typed):
    assert commands.is_unmistakable("delete_my_data", typed)
