"""Real-browser fixtures: headless Debian Chromium (Playwright), the web app on a free port
pointed at the `stack` fixture's Rasa server, and `Widget`, a driver for the chat widget.

    def test_something(demo):
        widget = demo("zh")                    # opens / (or "en": /en) and the widget
        replies = widget.send("你好")           # the bot's replies to this turn (texts)
        replies = widget.click_chip("Skip")    # taps a chip by its title (None: the first)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LAWBOT_CHROMIUM", "/usr/bin/chromium"))
REPLY_TIMEOUT_MS = 60_000  # the first turn after start-up warms the model up

BOT = ".lawbot-msg--bot:not(.lawbot-msg--intro)"
USER = ".lawbot-msg--user"
CHIP = ".lawbot-chip"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the website widget in headless Chromium")


class Widget:
    """Drives the chat widget on a page: the helpers a conversation test needs."""

    def __init__(self, page):
        self.page = page
        self.root = page.locator(".lawbot")
        self.panel = page.locator(".lawbot-panel")
        self.launcher = page.locator(".lawbot-launcher")
        self.log = page.locator(".lawbot-log")
        self.input = page.locator(".lawbot-input")

    # ---- state ----
    def bot_texts(self) -> list[str]:
        return self.page.locator(f"{BOT} .lawbot-msg-text").all_text_contents()

    def user_texts(self) -> list[str]:
        return self.page.locator(f"{USER} .lawbot-msg-text").all_text_contents()

    def chip_titles(self) -> list[str]:
        return self.page.locator(CHIP).all_text_contents()

    def is_open(self) -> bool:
        return self.panel.is_visible()

    # ---- actions ----
    def open(self) -> Widget:
        if not self.is_open():
            self.launcher.click()
        self.panel.wait_for(state="visible")
        self.wait_connected()
        return self

    def wait_connected(self, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            "() => document.querySelector('.lawbot')?.dataset.connection === 'connected'",
            timeout=timeout,
        )

    def send(self, text: str, timeout: float = REPLY_TIMEOUT_MS) -> list[str]:
        """Types `text`, presses Enter, returns the texts of the bot's replies to it."""
        before = self.page.locator(BOT).count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_bot_reply(before, timeout)

    def click_chip(self, title: str | None = None, timeout: float = REPLY_TIMEOUT_MS) -> list[str]:
        """Taps the chip with this exact title (the first chip when None); returns the replies."""
        chips = self.page.locator(CHIP)
        chip = chips.first if title is None else chips.filter(has_text=title).first
        chip.wait_for(state="visible", timeout=5_000)
        before = self.page.locator(BOT).count()
        chip.click()
        return self.wait_for_bot_reply(before, timeout)

    def wait_for_bot_reply(self, before: int | None = None, timeout: float = REPLY_TIMEOUT_MS) -> list[str]:
        """Waits until bot messages beyond the first `before` arrived and the turn is over
        (the widget's data-state returns to "idle" a moment after the last reply); returns them.
        `before` defaults to the messages present now (then it waits for the next reply)."""
        if before is None:
            before = self.page.locator(BOT).count()
        self.page.wait_for_function(
            """([selector, before]) => document.querySelectorAll(selector).length > before
                 && document.querySelector('.lawbot').dataset.state === 'idle'""",
            arg=[BOT, before],
            timeout=timeout,
        )
        return self.bot_texts()[before:]

    def session_id(self) -> str | None:
        return self.page.evaluate(
            """() => { for (let i = 0; i < localStorage.length; i++) {
                 const key = localStorage.key(i);
                 if (key.startsWith('lawbot:') && key.endsWith(':session'))
                   return JSON.parse(localStorage.getItem(key)); }
               return null; }"""
        )

    def conversation_id(self) -> str | None:
        """The conversation id the server gives the stored session: "web:" and the id without
        its signature (what the tracker store and the leads know)."""
        signed = self.session_id()
        return "web:" + signed.split(".", 1)[0] if signed else None

    def stored(self) -> dict[str, str]:
        """What the widget keeps in localStorage."""
        return self.page.evaluate(
            """() => { const found = {};
                 for (let i = 0; i < localStorage.length; i++) {
                   const key = localStorage.key(i);
                   if (key.startsWith('lawbot:')) found[key] = localStorage.getItem(key); }
                 return found; }"""
        )


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (installs Debian's chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def web_app(stack):
    """The web app the stack runs (`python -m bot.ops.web`), its widget talking to the stack's Rasa."""
    return stack.web_url


@pytest.fixture
def context_options() -> dict:
    """Override in a test module (or parametrize) for other viewports, CSP bypass, ..."""
    return {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def context(browser, context_options):
    context = browser.new_context(**context_options)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # checked by tests that care
    return page


@pytest.fixture
def demo(web_app, page):
    """Opens the demo page in a language ("zh": /, "en": /en) and its widget; returns `Widget`."""

    def open_demo(language: str = "zh", open_widget: bool = True) -> Widget:
        page.goto(f"{web_app}/" if language == "zh" else f"{web_app}/en")
        widget = Widget(page)
        widget.launcher.wait_for(state="visible")
        if open_widget:
            widget.open()
        return widget

    return open_demo
