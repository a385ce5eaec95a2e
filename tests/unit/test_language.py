import pytest

from bot.language import detect_language


@pytest.mark.parametrize(
    "text, language",
    [
        ("Do we need an ICP licence for a paid app?", "en"),
        ("我们的网站需要做ICP备案吗", "zh"),
        ("我们的App要做PIPL合规吗", "zh"),  # English terms inside Chinese stay Chinese
        ("our 小程序 needs ICP filing?", "en"),  # a Chinese term inside English stays English
        ("在吗", "zh"),
        ("hi", "en"),
    ],
)
def test_a_message_is_answered_in_the_language_most_of_its_words_are_in(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "123", "???", "👍", "+86 138 1234 5678"])
def test_a_message_without_words_has_no_language_so_the_previous_one_is_kept(text):
    assert detect_language(text) is None
