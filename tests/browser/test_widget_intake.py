"""A complete intake through the website widget in a real browser, in English and in Chinese,
by the same simulated user the REST tests use (it sees only the widget's messages and chips),
with the lead then found in the leads database."""

from __future__ import annotations

import pytest

from bot import leads
from bot.db import session_factory
from scripts.simulated_user import Reply, SimulatedUser, saved_reference

pytestmark = [pytest.mark.stack, pytest.mark.browser]


@pytest.mark.parametrize(("code", "language"), [("personal_info", "en"), ("data_breach", "zh")])
def test_a_complete_intake_through_the_widget_saves_the_lead(stack, demo, code, language):
    widget = demo(language)
    user = SimulatedUser(None, code, language)
    replies = widget.send(user.first_message)
    for _ in range(20):
        reference = saved_reference_in(replies)
        if reference:
            break
        move = user.next_move(replies, widget.chip_titles())
        replies = widget.click_chip(move.tap) if move.tap else widget.send(move.type)
    else:
        raise AssertionError("no lead saved:\n" + "\n".join(widget.bot_texts()))
    with session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")() as session:
        [lead] = [lead.to_dict() for lead in leads.of_conversation(session, widget.conversation_id())]
    assert lead["id"].startswith(reference)
    assert lead["topic"] == code and lead["language"] == language
    assert lead["contact"]["phone"] == "+8613812345678"
    assert lead["channel"] == "socketio"


def saved_reference_in(texts: list[str]) -> str | None:
    return saved_reference([Reply(text, []) for text in texts])
