"""At the read-back, a field named as right is a confirmation, not a correction ("手机号没问题",
"email's right now"); a correction carrying a complete new number replaces the phone whatever
its country code, even when the field is not named."""

import pytest

from bot import readback


@pytest.mark.parametrize(
    "typed",
    [
        "手机号没问题",
        "电话这回对了",
        "邮箱也对",
        "名字和公司都对",
        "其余的都对，谢谢",
        "都没问题了",
        "phone is fine now",
        "email's right",
        "the name is correct",
        "everything else ok",
        "all correct, thank you",
    ],
)
def test_a_field_named_as_right_confirms(typed):
    assert readback.is_confirmation(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "电话对，邮箱错了",
        "都对，就是手机少一位",
        "对，不过邮箱要换一个",
        "手机号不对",
        "邮箱应该是 li@example.com",
        "名字写错了",
        "phone is wrong",
        "the email isn't right",
        "name ok but the company should be Bright Ltd",
        "电话",
        "no",
    ],
)
def test_a_correction_or_a_bare_field_is_not_a_confirmation(typed):
    assert not readback.is_confirmation(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("我看错了，是+853 6688 1234", "+85366881234"),
        ("刚才输反了 +852 9123 8765", "+85291238765"),
        ("抱歉，正确的是 +886 912 345 678", "+886912345678"),
        ("sorry, the right one is +7 914 222 33 44", "+79142223344"),
        ("my mistake: +49 151 2345 6789", "+4915123456789"),
        ("the mobile should end 4321 not 4312 - 139 0451 4321", "+8613904514321"),
        ("座机写错了，应该是0451-86661234", "+8645186661234"),
    ],
)
def test_a_complete_new_number_replaces_the_phone(typed, expected):
    assert readback.field_to_correct(typed) == "phone"
    assert readback.corrected_value("phone", typed, "+8613900000000") == expected


def test_a_tail_alone_still_replaces_the_end_of_the_number():
    assert readback.corrected_value("phone", "尾号是7210不是7201", "+8613812347201") == "+8613812347210"


def test_a_new_address_without_the_field_named_corrects_the_email():
    assert readback.field_to_correct("打错了，li.na@example.cn") == "email"


@pytest.mark.parametrize(
    "message",
    [
        "用邮件联系我吧",
        "打电话联系我就行",
        "通过微信联系我",
        "please reach me by WeChat",
        "email me instead",
        "by phone please",
    ],
)
def test_how_to_be_contacted_said_at_the_read_back_is_not_a_confirmation(message):
    assert not readback.is_confirmation(message)


@pytest.mark.parametrize(
    "typed", ["Please write my name as Minjun Lee", "名字请写成卢静", "spell it Jiwon, not Jiwan"]
)
def test_asking_to_write_something_another_way_is_no_confirmation(typed):
    from bot import readback

    assert not readback.is_confirmation(typed)
