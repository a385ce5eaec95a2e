"""Erasure end to end (issue 11): a user completes an intake through the real Rasa server and
action server, agrees to share the lead with a firm whose webhook (a real receiver checking the
signature) gets it from the stack's delivery worker, then erases - in the chat ("delete my
data") or through staff (`lawbot erase --phone`). Afterwards no table of the leads database,
no event of the tracker store, no spooled file and no log line holds the user's phone, email
or name, and the firm's receiver got the signed `lead.erased` notice.

Its own stack (its own var/ directory and firm directory), so the session's shared stack and
its firms are left as they are."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from bot import audit, crypto, db, firms, leads, logfiles
from scripts.simulated_user import PERSON, RestChat, SimulatedUser
from tests.fakes.firm_webhook import SECRET, Receiver
from tests.support import run_module, start_stack

pytestmark = pytest.mark.stack

TOPIC = "cybersecurity"
FIRM = "Example Erasure Notice Counsel"
NAME, PHONE, EMAIL = "王芳", "13812345678", "wang.fang@example.com"
# How the contact form stores them, and how a log or a transcript could hold them.
NEEDLES = (NAME, PHONE, "+8613812345678", "138-1234-5678", "138 1234 5678", EMAIL)


@pytest.fixture(scope="module")
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def erasure_stack(tmp_path_factory, model_path, receiver):
    var_dir = tmp_path_factory.mktemp("var-erasure")
    running = start_stack(var_dir, model_path, {"LAWBOT_DELIVERY_POLL": "0.5"})
    with pytest.MonkeyPatch.context() as patch:
        # This process reads the stack's databases with the stack's keys (var/keys).
        patch.setenv("LAWBOT_VAR_DIR", str(var_dir))
        patch.delenv("LAWBOT_DATABASE_URL", raising=False)
        crypto.reset()
        with db.session_scope() as session:
            firms.upsert(
                session,
                firms.validate(
                    dict(
                        name=FIRM,
                        topics=[TOPIC],
                        languages=["zh", "en"],
                        handles_urgent=True,
                        weekly_capacity=50,
                        webhook_url=receiver.url,
                        webhook_secret=SECRET,
                    )
                ),
            )
        yield running
        crypto.reset()
    running.stop()


def events_of(receiver, event: str, lead_id: str | None = None, timeout: float = 40) -> list[dict]:
    """The requests the firm received for `event` (and this lead), waiting up to `timeout` for one."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            r
            for r in receiver.requests
            if r["headers"].get("X-Lawbot-Event") == event
            and (
                lead_id is None
                or json.loads(r["body"]).get("lead_id", json.loads(r["body"]).get("id")) == lead_id
            )
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def intake_shared_with_the_firm(stack, receiver) -> tuple[RestChat, str]:
    """A zh intake by 王芳 (phone and email given), shared with the firm, delivered; (chat, lead id)."""
    chat = RestChat(stack.rasa_url)
    user = SimulatedUser(chat, TOPIC, "zh")
    user.person = {**PERSON["zh"], "name": NAME, "phone": f"{PHONE}，邮箱 {EMAIL}"}
    before = len(events_of(receiver, "lead.created", timeout=0))
    turns, reference = user.complete_intake()
    assert reference, "\n".join(f"{who}: {text}" for who, text in chat.transcript)
    assert FIRM in chat.transcript[-1][1], "the firm is offered"
    replies = chat.say("同意发送")
    assert "已安排发送" in replies[0].text
    deadline = time.monotonic() + 40
    while len(events_of(receiver, "lead.created", timeout=0)) == before and time.monotonic() < deadline:
        time.sleep(0.5)
    delivered = events_of(receiver, "lead.created")[before:]
    assert len(delivered) == 1 and delivered[0]["verified"]
    lead = json.loads(delivered[0]["body"])
    assert lead["id"].startswith(reference)
    assert lead["contact"]["name"] == NAME and lead["contact"]["email"] == EMAIL
    return chat, lead["id"]


def everything(stack) -> str:
    """Every row of every table of the leads database (decrypted, as the code reads it), every
    event of the tracker store (decrypted where encrypted), every spooled file, every log line."""
    settings = stack.settings
    dumped = []
    engine = db.make_engine(f"sqlite:///{settings.var_dir / 'leads.db'}")
    with engine.connect() as connection:
        for table in db.Base.metadata.sorted_tables:
            dumped += [
                json.dumps([str(v) for v in row], ensure_ascii=False)
                for row in connection.execute(table.select())
            ]
    engine.dispose()
    with sqlite3.connect(settings.tracker_db) as connection:
        for row in connection.execute("select * from events"):
            dumped.append(repr(row))
            for value in row:
                if isinstance(value, str) and crypto.is_token(value):
                    dumped.append(crypto.decrypt(value))
    for path in (settings.var_dir / "spool").rglob("*"):
        if path.is_file():
            dumped.append(path.read_text(encoding="utf-8", errors="replace"))
    for path in logfiles.files(settings.var_dir):
        dumped.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(dumped)


def found(stack) -> list[str]:
    text = everything(stack)
    return [needle for needle in NEEDLES if needle in text]


def test_delete_my_data_in_the_chat_leaves_nothing_and_the_firm_is_told(erasure_stack, receiver):
    chat, lead_id = intake_shared_with_the_firm(erasure_stack, receiver)
    assert NAME in found(erasure_stack) and EMAIL in found(erasure_stack), "the search can find them"

    replies = chat.say("删除我的数据")
    assert "无法恢复" in "\n".join(r.text for r in replies)
    replies = chat.say("确定")
    assert "已删除" in "\n".join(r.text for r in replies)

    [notice] = events_of(receiver, "lead.erased", lead_id)
    assert notice["verified"]
    time.sleep(1)  # whatever the servers log at the end of the turn is in the files by now
    assert found(erasure_stack) == []
    with db.session_scope() as session:
        assert leads.of_conversation(session, chat.conversation_id) == []
        entries = [e.to_dict() for e in audit.entries(session)]
    [entry] = [e for e in entries if lead_id in e["lead_ids"]]
    assert entry["actor"] == "user" and entry["scope"] == "conversation" and entry["counts"]["notices"] == 1
    assert not any(needle in json.dumps(entry, ensure_ascii=False) for needle in NEEDLES)


def test_staff_erase_by_phone_leaves_nothing_and_the_firm_is_told(erasure_stack, receiver):
    chat, lead_id = intake_shared_with_the_firm(erasure_stack, receiver)
    # Another conversation where the phone was typed but no lead was made (its events are
    # encrypted: erasure finds it through the decryption).
    bystander = RestChat(erasure_stack.rasa_url)
    bystander.say("你好，我的电话是 138 1234 5678")
    with sqlite3.connect(erasure_stack.settings.tracker_db) as connection:
        typed = connection.execute(
            "select count(*) from events where sender_id = ?", (bystander.conversation_id,)
        ).fetchone()[0]
    assert typed > 0
    assert PHONE in "".join(found(erasure_stack))

    env = {**os.environ, "LAWBOT_VAR_DIR": str(erasure_stack.settings.var_dir)}
    env.pop("LAWBOT_DATABASE_URL", None)
    run = run_module(["bot.ops.cli", "erase", "--phone", "138 1234 5678"], env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "leads 1" in run.stdout and "notices 1" in run.stdout and "conversations 2" in run.stdout
    assert not any(needle in run.stdout + run.stderr for needle in NEEDLES)

    [notice] = events_of(receiver, "lead.erased", lead_id)
    assert notice["verified"]
    assert found(erasure_stack) == []
    with sqlite3.connect(erasure_stack.settings.tracker_db) as connection:
        left = connection.execute(
            "select count(*) from events where sender_id = ?", (bystander.conversation_id,)
        ).fetchone()[0]
    assert left == 0, "the conversation where the phone was only typed is erased too"
    replies = chat.say("我的信息")
    assert "没有保存" in "\n".join(r.text for r in replies)
