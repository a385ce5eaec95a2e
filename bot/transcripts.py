"""The conversations in Rasa's tracker store (SQL, table `events`, one row per event, found by
its plain `sender_id`), as erasure and retention reach them: whole conversations deleted by id,
by age, or by a contact typed in them.

Event data is encrypted at rest (bot/rasa/stores.py), so no SQL `LIKE` can find a phone number
in it: erasure by contact reads the events in batches, decrypts each one (bot/crypto.py) and
looks for the contact in the plaintext, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot import crypto, db

log = logging.getLogger(__name__)

BATCH = 1000  # events read (and decrypted) at a time
SHORTEST_NEEDLE = 5  # shorter texts would match strangers' conversations
# Spaces, dashes, dots or brackets between digits ("138 1234-5678"), dropped before matching.
_DIGIT_GAPS = re.compile(r"(?<=\d)[\s\-.()]+(?=\d)")


def _missing(tracker_store_url: str) -> bool:
    """A SQLite tracker store not created yet (no conversation so far): nothing to read or delete."""
    prefix = "sqlite:///"
    return tracker_store_url.startswith(prefix) and not Path(tracker_store_url.removeprefix(prefix)).exists()


def _comparable(value: str) -> str:
    return _DIGIT_GAPS.sub("", value).casefold()


def _plaintext(data: str, box: MultiFernet) -> str:
    """An event's data as comparable text: decrypted, JSON escapes (Chinese text) undone."""
    plain = crypto.decrypt_event_data(data, box)
    with contextlib.suppress(ValueError):
        plain = json.dumps(json.loads(plain), ensure_ascii=False)
    return _comparable(plain)


def senders_mentioning(
    connection: Connection, contact_texts: Iterable[str], skip: Iterable[str] = ()
) -> set[str]:
    """The conversations (sender ids) in which any of `contact_texts` occurs in an event's data
    (decrypted; digits compared without the spaces and dashes between them; case ignored).
    Reads the events `BATCH` at a time in id order; `skip`: conversations already known."""
    needles = {_comparable(t) for t in contact_texts if t and len(t.strip()) >= SHORTEST_NEEDLE}
    if not needles:
        return set()
    found, known, box = set(), set(skip), crypto.fernet()
    unreadable, after = 0, None
    query = "select id, sender_id, data from events{} order by id limit :n"
    while True:
        where = "" if after is None else " where id > :after"
        rows = connection.execute(text(query.format(where)), {"n": BATCH, "after": after}).all()
        for event_id, sender_id, data in rows:
            after = event_id
            if data is None or sender_id in found or sender_id in known:
                continue
            try:
                plain = _plaintext(data, box)
            except (InvalidToken, UnicodeError):
                unreadable += 1
                continue
            if any(needle in plain for needle in needles):
                found.add(sender_id)
        if len(rows) < BATCH:
            break
    if unreadable:
        log.warning("%d tracker event(s) could not be decrypted with the configured keys", unreadable)
    return found


def erase(
    tracker_store_url: str, sender_ids: Iterable[str], contact_texts: Iterable[str] = ()
) -> tuple[int, int]:
    """Deletes whole conversations from the tracker store (table `events`): those named, and any
    in which one of `contact_texts` (a phone or an email) was typed, though no lead was made
    (`senders_mentioning`). Returns (conversations, events)."""
    if _missing(tracker_store_url):
        return 0, 0
    engine = db.make_engine(tracker_store_url)
    senders = {s for s in sender_ids if s}
    events = 0
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0, 0
            columns = {column["name"] for column in inspect(connection).get_columns("events")}
            if {"id", "data"} <= columns:
                senders |= senders_mentioning(connection, contact_texts, skip=senders)
            conversations = 0
            for sender_id in senders:
                deleted = connection.execute(
                    text("delete from events where sender_id = :s"), {"s": sender_id}
                ).rowcount
                conversations, events = conversations + (deleted > 0), events + deleted
    finally:
        engine.dispose()
    return conversations, events


def stale(tracker_store_url: str, cutoff: datetime) -> list[str]:
    """The conversations whose latest event is older than `cutoff`."""
    if _missing(tracker_store_url):
        return []
    engine = db.make_engine(tracker_store_url)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return []
            query = text("select sender_id from events group by sender_id having max(timestamp) < :cutoff")
            return [str(row[0]) for row in connection.execute(query, {"cutoff": cutoff.timestamp()})]
    finally:
        engine.dispose()


def purge_older_than(tracker_store_url: str, cutoff: datetime) -> int:
    """Deletes whole conversations whose latest event is older than `cutoff` (the privacy notice
    promises it for transcripts as for leads); returns how many."""
    conversations, _ = erase(tracker_store_url, stale(tracker_store_url, cutoff))
    return conversations
