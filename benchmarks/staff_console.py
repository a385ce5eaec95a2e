"""How fast the staff console answers with a realistic amount of data: 10,000 leads and
100,000 transcript events (10 per conversation), on SQLite and on PostgreSQL.

It builds a fresh leads database (SQLite file in a temporary directory; a new PostgreSQL
database, dropped afterwards) and a tracker store (an `events` table like Rasa's SQL tracker
store, in the same kind of database), signs in through the real sign-in form, then times the
queue, its filters and searches, a lead page and the conversations page through aiohttp's
test client (the real app, its middlewares and templates; no network hop). Each page is
fetched `--runs` times; the median and the slowest are printed.

    .venv/bin/python -m benchmarks.staff_console                  # SQLite and PostgreSQL
    .venv/bin/python benchmarks/staff_console.py --database sqlite --leads 2000

PostgreSQL: LAWBOT_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
a role that may create databases. Encryption keys are generated for the run unless
LAWBOT_ENCRYPTION_KEYS / LAWBOT_SEARCH_KEY are set. Results: benchmarks/README.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: benchmarks/staff_console.py
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("LAWBOT_ENCRYPTION_KEYS", Fernet.generate_key().decode())
os.environ.setdefault("LAWBOT_SEARCH_KEY", Fernet.generate_key().decode())

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bot import staff, staff_transcript  # noqa: E402
from bot.db import upgrade  # noqa: E402
from bot.leads import Lead  # noqa: E402
from bot.ops.web import WebConfig, create_app  # noqa: E402
from bot.ops.web.staff.render import STAFF, StaffConfig  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "LAWBOT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
EMAIL, PASSWORD = "bench@example.com", "benchmark-password"
TOPICS = ["data_breach", "contract", "icp", "employment", "personal_info", "ip"]
BUDGET_MS = 300  # the bar for the queue, a filtered search and a lead page

# Rasa's SQL tracker store's table, as far as the console reads it.
_tracker_meta = MetaData()
EVENTS = Table(
    "events",
    _tracker_meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def progress(message: str) -> None:
    print(f"  .. {message}", flush=True)


def seed(url: str, tracker_url: str, n_leads: int, events_per: int) -> str:
    """Fills the databases; returns the id of a lead in the middle of the queue."""
    started = time.perf_counter()
    upgrade(url)
    engine = create_engine(url, future=True)
    rng = random.Random(9)
    now = datetime.now(timezone.utc)
    with sessionmaker(engine, future=True)() as session:
        session.add(
            staff.StaffUser(
                email=EMAIL,
                role="admin",
                password_hash=PasswordHasher().hash(PASSWORD),
                active=True,
                failed_logins=0,
            )
        )
        for i in range(n_leads):
            session.add(
                Lead(
                    idempotency_key=f"k{i}",
                    created_at=now - timedelta(minutes=i),
                    channel=rng.choice(["web", "telegram", "wechat"]),
                    conversation_id=f"web:c{i}",
                    language=rng.choice(["zh", "en"]),
                    topic=rng.choice(TOPICS),
                    urgency="high" if i % 7 == 0 else "normal",
                    summary=f"服务器被勒索病毒加密 case {i}",
                    answers={"company": f"哈尔滨某某科技有限公司 {i}"},
                    contact={"name": f"客户{i}", "phone": f"+86139{i:08d}", "email": f"c{i}@example.com"},
                    consent={},
                    status="new",
                    matches=[],
                )
            )
            if (i + 1) % 2000 == 0:
                session.commit()
                progress(f"{i + 1:,} / {n_leads:,} leads ({time.perf_counter() - started:.0f} s)")
        session.commit()
        middle = session.execute(
            text("select id from leads where conversation_id = :c"), {"c": f"web:c{n_leads // 2}"}
        ).scalar_one()
    engine.dispose()
    tracker = create_engine(tracker_url, future=True)
    _tracker_meta.create_all(tracker)
    batch: list[dict[str, object]] = []
    total = 0
    with tracker.begin() as connection:
        for i in range(n_leads):
            for j in range(events_per):
                if j % 2 == 0:
                    event = {
                        "event": "user",
                        "text": f"消息 {j}",
                        "parse_data": {"intent": {"name": "topic_contract", "confidence": 0.9}},
                    }
                else:
                    event = {"event": "bot", "text": f"回答 {j}", "data": {}}
                batch.append(
                    {
                        "sender_id": f"web:c{i}",
                        "type_name": event["event"],
                        "timestamp": float(j),
                        "data": staff_transcript.seal_event(event),
                    }
                )
            if len(batch) >= 20_000 or i == n_leads - 1:
                connection.execute(EVENTS.insert(), batch)
                total += len(batch)
                batch = []
                progress(
                    f"{total:,} / {n_leads * events_per:,} transcript events ({time.perf_counter() - started:.0f} s)"
                )
    tracker.dispose()
    return str(middle)


def pages(lead_id: str, n_leads: int) -> list[tuple[str, str, bool]]:
    """(name, path, held to the 300 ms budget)."""
    last = n_leads - 1
    return [
        ("queue", "/staff/leads", True),
        ("queue, page 50", "/staff/leads?page=50", True),
        ("filtered", "/staff/leads?urgency=high&topic=contract&language=zh", True),
        ("search by phone", f"/staff/leads?q=%2B86139{n_leads // 2:08d}", True),
        ("filtered text search", f"/staff/leads?urgency=high&q=客户{(n_leads // 2) // 7 * 7}", True),
        # Within the first SEARCH_WINDOW leads in queue order (all urgent ones, then the newest
        # others); those after are not searched, and the page says so.
        ("text search, no filter", f"/staff/leads?q=case {n_leads // 20 + 3}", True),
        ("text search, past window", f"/staff/leads?q=case {last}", True),
        ("lead page", f"/staff/leads/{lead_id}", True),
        ("conversations", "/staff/conversations", False),
        ("dashboard", "/staff/dashboard", False),
    ]


async def measure(
    url: str, tracker_url: str, lead_id: str, n_leads: int, runs: int
) -> list[tuple[str, float, float, bool]]:
    app = create_app(WebConfig())
    app[STAFF] = StaffConfig(url, tracker_url)
    results = []
    async with TestClient(TestServer(app)) as client:
        form = await (await client.get("/staff/login")).text()
        match = re.search(r'name="csrf" value="([^"]+)"', form)
        assert match, "no sign-in form"
        signed = await client.post(
            "/staff/login", data={"csrf": match.group(1), "email": EMAIL, "password": PASSWORD}
        )
        assert signed.status == 200 and "/staff/leads" in str(signed.url), "sign-in failed"
        for name, path, budgeted in pages(lead_id, n_leads):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(path)
                body = await response.text()
                times.append((time.perf_counter() - started) * 1000)
                assert response.status == 200, (path, response.status)
            found = (
                body.count('class="lead')
                if path.startswith("/staff/leads?") or path == "/staff/leads"
                else -1
            )
            results.append((name, statistics.median(times), max(times), budgeted))
            shown = f"  ({found} rows)" if found >= 0 else ""
            flag = (
                "" if not budgeted else ("  ok" if statistics.median(times) < BUDGET_MS else "  OVER 300 ms")
            )
            print(
                f"  {name:24} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms{shown}{flag}",
                flush=True,
            )
    return results


def run_on(kind: str, n_leads: int, events_per: int, runs: int) -> None:
    print(
        f"\n== {kind}: {n_leads:,} leads, {n_leads * events_per:,} transcript events, {runs} runs per page",
        flush=True,
    )
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lawbot-bench-") as tmp:
            url, tracker_url = f"sqlite:///{tmp}/leads.db", f"sqlite:///{tmp}/tracker.db"
            lead_id = seed(url, tracker_url, n_leads, events_per)
            asyncio.run(measure(url, tracker_url, lead_id, n_leads, runs))
        return
    admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    name = f"lawbot_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f"create database {name}"))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        lead_id = seed(url, url, n_leads, events_per)  # tracker store: the `events` table, same database
        asyncio.run(measure(url, url, lead_id, n_leads, runs))
    finally:
        # The app keeps its engines open (bot/db.py): `with (force)` ends their connections.
        with admin.connect() as connection:
            connection.execute(text(f"drop database if exists {name} with (force)"))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--events-per-lead", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        run_on(kind, args.leads, args.events_per_lead, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
