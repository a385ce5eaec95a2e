"""At the read-back, a correction that describes the change instead of retyping the value is
applied to the stored value: a new domain, suffix or provider replaces that part of the email
(the part before the @ is kept), new last digits replace the end of the phone when the old
digits named are its end. What cannot be applied safely changes nothing wrongly: the field is
asked again. Confirmations after a correction still confirm."""

import pytest

from actions.contact_form import ValidateContactForm
from bot import readback
from tests.support.trackers import tracker, validate

EMAIL = "wang.lei@songhuayun.com"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("邮箱域名错了，应该是songhuayuan.com", "wang.lei@songhuayuan.com"),
        ("邮箱后面是songhuayun.cn，不是.com", "wang.lei@songhuayun.cn"),
        ("邮箱后缀应该是.net", "wang.lei@songhuayun.net"),
        ("邮箱的后缀不是com，是cn", "wang.lei@songhuayun.cn"),
        ("邮箱结尾是.com.cn", "wang.lei@songhuayun.com.cn"),
        ("邮箱应该是qq的，不是这个", "wang.lei@qq.com"),
        ("the email domain is songhua-yun.com", "wang.lei@songhua-yun.com"),
        ("my email ends with .org, not .com", "wang.lei@songhuayun.org"),
        ("email should be at outlook", "wang.lei@outlook.com"),
        ("domain is wrong: songhuayun.ru", "wang.lei@songhuayun.ru"),
    ],
)
def test_a_described_email_change_keeps_the_local_part(typed, expected):
    assert readback.field_to_correct(typed) == "email"
    assert readback.corrected_value("email", typed, EMAIL) == expected


@pytest.mark.parametrize(
    ("current", "typed", "expected"),
    [
        ("chen@163.com", "邮箱是126的，不是163", "chen@126.com"),
        ("chen@abc.com.cn", "邮箱后缀是.cn 不是.com.cn", "chen@abc.cn"),
        ("chen@hotmail.com", "邮箱是gmail的，不是hotmail", "chen@gmail.com"),
        ("chen@hotmail.com", "it's a gmail address, not hotmail", "chen@gmail.com"),
        ("chen@abc.co.uk", "the email suffix should be .com", "chen@abc.com"),
    ],
)
def test_the_old_part_named_is_the_part_replaced(current, typed, expected):
    assert readback.corrected_value("email", typed, current) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "邮箱错了",  # no value: asked again
        "邮箱后缀不是.org",  # the old suffix is not in the address
        "邮箱用户名是wang.li 不是wang.lei",  # the local part, not the domain
        "邮箱写错了，多了一个字母",  # a description without the value
        "the email isn't at yahoo, it's gmail",  # yahoo is not the provider stored
        "email domain is wrong",
    ],
)
def test_an_email_correction_that_cannot_be_applied_changes_nothing(typed):
    assert readback.corrected_value("email", typed, EMAIL) is None


def test_a_whole_new_email_still_replaces_the_email():
    typed = "邮箱不对，是 lei.wang@songhuayun.com"
    assert readback.corrected_value("email", typed, EMAIL) == "lei.wang@songhuayun.com"


PHONE = "+8613945067328"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("手机尾号应该是7329", "+8613945067329"),
        ("电话最后两位是82不是28", "+8613945067382"),
        ("最后一位写错了，是8，不是9", None),  # the number ends in 8 already: 9 is not its end
        ("最后一位打错了，应该是9不是8", "+8613945067329"),
        ("号码后三位是３２９", "+8613945067329"),
        ("手机最后是7320，不是7328", "+8613945067320"),
        ("电话最后4位应该是1234", "+8613945061234"),
        ("the last four digits are 7330", "+8613945067330"),
        ("it ends with 29, not 28", "+8613945067329"),
        ("last digit should be 0 not 8", "+8613945067320"),
        ("my number ends in 1328 not 7328", "+8613945061328"),
    ],
)
def test_new_last_digits_replace_the_end_of_the_phone(typed, expected):
    assert readback.field_to_correct(typed) == "phone"
    assert readback.corrected_value("phone", typed, PHONE) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "手机号错了",  # no value
        "手机最后是2021年换的",  # a year, not digits
        "电话第三位是8不是4",  # a position from the start
        "手机最后一位是5，不是6",  # the number does not end in 6
        "手机最后是1234567",  # too long for a tail, too short for a number
        "电话最后是56",  # "最后" alone, without the old digits
        "the phone's middle digits are 4506",
        "the final digit is 3, not 6",  # it ends in 8
    ],
)
def test_a_phone_correction_that_cannot_be_applied_changes_nothing(typed):
    assert readback.corrected_value("phone", typed, PHONE) is None


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("邮箱没问题，手机尾号是7329", "phone"),
        ("电话对的，邮箱后缀是.cn", "email"),
        ("公司写错了，是松花云科技有限公司", "company"),
        ("名字写错了", "name"),
        ("the phone's fine, the email domain is songhuayun.cn", "email"),
    ],
)
def test_the_field_corrected_is_the_one_not_named_as_right(typed, field):
    assert readback.field_to_correct(typed) == field


@pytest.mark.parametrize(
    "typed",
    [
        "对，别的都对",
        "没错没错",
        "其余的没问题",
        "嗯 对的",
        "네 对的",
        "yes, the rest is right",
        "all good now",
    ],
)
def test_confirmations_after_a_correction_confirm(typed):
    assert readback.is_confirmation(typed)


@pytest.mark.parametrize("typed", ["不对", "不是这个号", "邮箱还是不对", "no, still wrong", "nope"])
def test_a_real_no_is_not_a_confirmation(typed):
    assert not readback.is_confirmation(typed)


READ_BACK = dict(
    topic="ip",
    contact_name="孙丽",
    contact_phone=PHONE,
    contact_email=EMAIL,
    contact_methods="given",
)


@pytest.mark.parametrize(
    ("typed", "slot", "value"),
    [
        ("邮箱域名应该是songhuayun.cn", "contact_email", "wang.lei@songhuayun.cn"),
        ("手机尾号是7329不是7328", "contact_phone", "+8613945067329"),
        ("the email is at gmail", "contact_email", "wang.lei@gmail.com"),
        ("phone ends in 7330", "contact_phone", "+8613945067330"),
    ],
)
def test_the_form_applies_a_described_correction_to_that_field_only(typed, slot, value, domain):
    result, messages = validate(
        ValidateContactForm(), "summary_confirmed", tracker(typed, "inform", "zh", **READ_BACK), domain
    )
    assert result[slot] == value
    assert result["summary_confirmed"] is None
    assert set(result) == {slot, "summary_confirmed", "bad_answers"}
    assert [m.get("response") for m in messages] == ["utter_field_updated"]


@pytest.mark.parametrize(
    ("typed", "slot"),
    [("手机最后一位是5，不是6", "contact_phone"), ("邮箱后缀不是.org", "contact_email")],
)
def test_the_form_asks_again_when_a_described_correction_does_not_fit(typed, slot, domain):
    result, _ = validate(
        ValidateContactForm(), "summary_confirmed", tracker(typed, "inform", "zh", **READ_BACK), domain
    )
    assert result[slot] is None
    assert result["contact_methods"] is None
