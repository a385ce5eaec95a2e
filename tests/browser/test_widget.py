"""The website chat widget in a real browser (headless Debian Chromium, Playwright), on the
demo page of `python -m bot.ops.web`, talking to the real Rasa and action servers over socket.io.

Assertions are about replies arriving, chips, and how text is rendered, not about the exact
wording of long replies, so they stay true while the intake grows. Helpers (fixture `demo`
returns a `Widget`; see conftest.py): `widget.send(text)`, `widget.click_chip(title)`,
`widget.wait_for_bot_reply()`, `widget.bot_texts()`, `widget.chip_titles()`.
"""

from __future__ import annotations

import os
import shutil

import pytest
import requests

from bot.settings import PROJECT_ROOT

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SCREENSHOT = PROJECT_ROOT / "docs" / "widget.png"
# A vague message: the bot is unsure of the topic and offers the topics as chips.
VAGUE = {"zh": "我有个法律问题", "en": "I need help with a legal problem"}
XSS = "<img src=x onerror=alert(1)>"
ICP_ZH = "我们的小程序要上线，需要办ICP备案吗？"


def tracker_user_events(stack, session_id: str) -> list[dict]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{session_id}/tracker",
        params={"token": stack.api_token},
        timeout=10,
    )
    response.raise_for_status()
    return [event for event in response.json()["events"] if event["event"] == "user"]


def tracker_user_texts(stack, session_id: str) -> list[str]:
    return [event.get("text") for event in tracker_user_events(stack, session_id)]


def save_screenshot(page) -> None:
    """Always under var/results/browser/; docs/widget.png (committed, in the README) only when
    missing or with UPDATE_SCREENSHOTS=1, so that test runs leave the work tree clean."""
    results = PROJECT_ROOT / "var" / "results" / "browser"
    results.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no hover effects
    page.screenshot(path=str(results / "widget.png"))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results / "widget.png", SCREENSHOT)


def test_a_chinese_conversation_with_chips(demo, page, stack):
    widget = demo("zh")
    assert widget.input.get_attribute("placeholder").startswith("请输入")
    assert widget.page.locator(".lawbot-title").text_content() == "IT法律咨询助手"

    greeting = widget.send("你好")
    assert greeting and "法律意见" in " ".join(greeting)  # the disclaimer comes first

    replies = widget.send(ICP_ZH)
    assert replies, "no reply to an ICP question"
    assert "ICP" in " ".join(replies)

    chips = widget.chip_titles() or (widget.send(VAGUE["zh"]) and widget.chip_titles())
    assert chips, "no button chips offered"
    save_screenshot(page)

    chosen = chips[0]
    replies = widget.click_chip(chosen)
    assert replies, "no reply after tapping a chip"
    assert widget.user_texts()[-1] == chosen  # the chip's title, not its payload
    assert not any(text.startswith("/") for text in widget.user_texts())
    events = tracker_user_events(stack, widget.conversation_id())
    assert [event["text"] for event in events[:2]] == ["你好", ICP_ZH]
    assert events[0]["input_channel"] == "socketio"
    assert events[0]["metadata"]["language"] == "zh"  # the widget's language, with every message
    assert not page.js_errors


def test_an_english_conversation(demo, page):
    widget = demo("en")
    assert widget.input.get_attribute("placeholder") == "Type your question and press Enter"
    assert widget.launcher.get_attribute("aria-label") == "Open the IT-law chat"

    assert widget.send("hello")
    replies = widget.send("We want to launch a paid membership website in China, do we need an ICP licence?")
    assert replies and "ICP" in " ".join(replies)

    widget.send(VAGUE["en"])
    chips = widget.chip_titles()
    assert chips, "a vague message gets the topics as chips"
    title = "ICP filing and licences" if "ICP filing and licences" in chips else chips[0]
    assert widget.click_chip(title)
    assert widget.user_texts()[-1] == title
    assert widget.chip_titles() != chips  # the tapped set is gone
    assert not page.js_errors


@pytest.mark.parametrize("context_options", [{"bypass_csp": True}])
def test_markup_typed_by_the_user_is_shown_as_text(demo, page):
    # The page's Content-Security-Policy would block an inline handler anyway; bypassing it
    # proves that the widget itself never turns text into HTML.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget = demo("en")
    widget.send(XSS)
    assert widget.user_texts()[-1] == XSS
    assert page.locator(".lawbot img").count() == 0
    assert page.locator(".lawbot-msg--user .lawbot-msg-text").last.inner_html() == (
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    page.wait_for_timeout(300)
    assert dialogs == []


def test_a_reload_keeps_the_history_and_the_conversation(demo, page, stack):
    widget = demo("zh")
    widget.send("你好")
    widget.send("昨晚公司服务器被黑了，客户数据可能泄露了")
    session_id = widget.session_id()
    users, bots = widget.user_texts(), widget.bot_texts()
    assert session_id and len(bots) >= 2

    page.reload()
    widget.panel.wait_for(state="visible")  # it was open: it opens again
    assert widget.user_texts() == users
    assert widget.bot_texts() == bots
    widget.wait_connected()
    assert widget.session_id() == session_id

    assert widget.send("还有一个问题")
    assert tracker_user_texts(stack, widget.conversation_id())[:3] == [
        "你好",
        "昨晚公司服务器被黑了，客户数据可能泄露了",
        "还有一个问题",
    ]


def test_after_erasure_the_browser_keeps_nothing_of_the_conversation(demo, page, stack):
    widget = demo("zh")
    widget.send("你好")
    widget.send("昨晚公司服务器被黑了，客户数据可能泄露了")
    erased = widget.conversation_id()
    stored = widget.stored()
    assert any(key.endswith(":history") and "服务器被黑" in value for key, value in stored.items())
    assert "无法恢复" in " ".join(widget.send("删除我的数据"))
    assert "已删除" in " ".join(widget.send("确定"))
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('lawbot:')"
        " && (localStorage.getItem(k) || '').includes('服务器被黑'))"
    )
    assert not any(erased.split(":", 1)[1] in value for value in widget.stored().values())
    widget.wait_connected()
    page.reload()  # what a reload finds: no old messages, and a new conversation
    widget.panel.wait_for(state="visible")
    assert widget.user_texts() == []
    widget.send("你好")
    assert widget.conversation_id() != erased
    assert tracker_user_texts(stack, erased) == []


@pytest.mark.parametrize(
    "context_options",
    [
        {
            "viewport": {"width": 390, "height": 844},
            "is_mobile": True,
            "has_touch": True,
            "device_scale_factor": 2,
        }
    ],
)
def test_on_a_phone_the_panel_takes_the_whole_screen(demo, page):
    widget = demo("zh", open_widget=False)
    widget.launcher.tap()
    widget.panel.wait_for(state="visible")
    widget.wait_connected()
    box = widget.panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    assert not widget.launcher.is_visible()

    assert widget.send("我们的网站需要ICP备案吗")
    widget.send(VAGUE["zh"])
    chip = page.locator(".lawbot-chip").first
    chip.wait_for(state="visible")
    chip_box = chip.bounding_box()
    assert chip_box["x"] >= 0 and chip_box["x"] + chip_box["width"] <= 390  # no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator(".lawbot-close").tap()
    widget.panel.wait_for(state="hidden")
    assert widget.launcher.is_visible()


def test_keyboard_and_screen_reader(demo, page):
    widget = demo("en", open_widget=False)
    assert widget.launcher.get_attribute("aria-expanded") == "false"
    widget.launcher.focus()
    page.keyboard.press("Enter")
    widget.panel.wait_for(state="visible")
    assert widget.launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.classList.contains('lawbot-input')")

    assert widget.log.get_attribute("role") == "log"
    assert widget.log.get_attribute("aria-live") == "polite"
    assert widget.panel.get_attribute("role") == "dialog"
    assert page.locator("#lawbot-title").text_content() == "IT-law intake assistant"
    for button in page.locator(".lawbot-icon-button").all():
        assert button.get_attribute("aria-label")

    widget.wait_connected()
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    widget.wait_for_bot_reply(0)
    assert widget.user_texts() == ["hi"]
    assert page.locator(".lawbot-msg--user .lawbot-sr").first.text_content() == "You: "

    page.keyboard.press("Escape")
    widget.panel.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('lawbot-launcher')")


def test_it_reconnects_and_keeps_the_session_when_the_rasa_server_restarts(demo, page, stack):
    from bot.ops.supervisor import CHILD_ENV

    widget = demo("en")
    widget.send("hello")
    session_id = widget.session_id()

    rasa = next(server for server in stack.servers if server.name == "Rasa server")
    rasa.stop()
    page.wait_for_function("() => document.querySelector('.lawbot').dataset.connection !== 'connected'")
    assert page.locator(".lawbot-status").is_visible()  # "Connection lost, reconnecting…"
    rasa.start({**os.environ, **CHILD_ENV, "LAWBOT_VAR_DIR": str(stack.settings.var_dir)})
    rasa.wait_ready(timeout=240, progress=False)

    widget.wait_connected(timeout=60_000)
    assert not page.locator(".lawbot-status").is_visible()
    assert widget.session_id() == session_id
    assert widget.send("We were hacked last night and customer data may have leaked")
    assert tracker_user_texts(stack, widget.conversation_id())[:2] == [
        "hello",
        "We were hacked last night and customer data may have leaked",
    ]
