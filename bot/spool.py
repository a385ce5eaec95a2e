"""The lead spool: when the leads database cannot be reached, a confirmed lead is written to a
file under var/spool/leads/ and saved as soon as the database answers again, by a background
thread: nothing the user typed is lost.

One JSON file per idempotency key (a retried save spools the lead once), written atomically.
Erasure (`erase_conversation`) and retention (`purge_older_than`) reach the spool too; see
bot/privacy.py, which calls them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import db, leads
from bot.leads import Lead
from bot.settings import load as load_settings

log = logging.getLogger(__name__)

# Errors that leave the lead in the spool: the database is unreachable (`db.Unavailable`), or
# it answers but cannot take the lead yet (say, not migrated): a later flush may succeed.
_NOT_SAVED = (db.Unavailable, SQLAlchemyError)


def directory(var_dir: Path | None = None) -> Path:
    """Where spooled leads wait: under `var_dir` (Settings.var_dir by default)."""
    return (var_dir or load_settings().var_dir) / "spool" / "leads"


def _path(idempotency_key: str) -> Path:
    return directory() / (hashlib.sha256(idempotency_key.encode()).hexdigest()[:32] + ".json")


def write(idempotency_key: str, fields: dict[str, Any]) -> Path:
    """Writes a lead that could not be saved (atomically: a reader never sees half a file)."""
    path = _path(idempotency_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"idempotency_key": idempotency_key, "fields": _jsonable(fields)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()}


def _from_json(fields: dict[str, Any]) -> dict[str, Any]:
    created = fields.get("created_at")
    if isinstance(created, str):
        fields = {**fields, "created_at": datetime.fromisoformat(created)}
    return fields


def pending() -> list[dict[str, Any]]:
    """Every spooled lead: {"idempotency_key": ..., "fields": {...}}."""
    return [record for _, record in _records()]


def of_conversation(conversation_id: str) -> list[dict[str, Any]]:
    """The spooled leads of one conversation (what "my data" shows as not yet saved)."""
    return [r for r in pending() if r["fields"].get("conversation_id") == conversation_id]


def _records(var_dir: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    folder = directory(var_dir)
    if not folder.exists():
        return []
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def flush(url: str | None = None) -> int:
    """Saves every spooled lead (idempotently) and removes its file; returns how many were saved.
    Stops at the first database error: the rest stay spooled for the next try.
    `url`: the leads database (the configured one by default)."""
    saved = 0
    for record in pending():
        try:
            with db.session_scope(url) as session:
                leads.save(session, record["idempotency_key"], **_from_json(record["fields"]))
        except _NOT_SAVED as error:
            log.warning("leads database still unreachable, %d lead(s) spooled: %s", len(pending()), error)
            break
        _path(record["idempotency_key"]).unlink(missing_ok=True)
        saved += 1
    return saved


def erase_conversation(conversation_id: str) -> int:
    """Deletes the spooled leads of a conversation (erasure must reach them too); returns how many."""
    erased = 0
    for path, record in _records():
        if record["fields"].get("conversation_id") == conversation_id:
            path.unlink(missing_ok=True)
            erased += 1
    return erased


def purge_older_than(cutoff: datetime, var_dir: Path | None = None) -> int:
    """Deletes spooled leads confirmed before `cutoff` (the file's time when the lead has none)."""
    purged = 0
    for path, record in _records(var_dir):
        if _confirmed_at(path, record) < cutoff:
            path.unlink(missing_ok=True)
            purged += 1
    return purged


def _confirmed_at(path: Path, record: dict[str, Any]) -> datetime:
    created = record["fields"].get("created_at")
    if isinstance(created, str):
        try:
            moment = db.as_utc(datetime.fromisoformat(created))
        except ValueError:
            moment = None
        if moment is not None:
            return moment
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


def save_or_spool(idempotency_key: str, fields: dict[str, Any], url: str | None = None) -> Lead | None:
    """Saves the lead and returns it, or spools it when the database cannot take it and returns
    None (the background flusher saves it later). `url`: the leads database, as in `flush`."""
    try:
        with db.session_scope(url) as session:
            return leads.save(session, idempotency_key, **fields)
    except _NOT_SAVED as error:
        log.warning("leads database unreachable, spooling the lead: %s", error)
        write(idempotency_key, fields)
        start_flusher(url)
        return None


_flusher: threading.Thread | None = None


def start_flusher(url: str | None = None, interval: float | None = None) -> None:
    """A background thread (one per process) that retries the spool until it is empty, every
    `interval` seconds (Settings.spool_interval, LAWBOT_SPOOL_INTERVAL, by default)."""
    global _flusher
    if _flusher is not None and _flusher.is_alive():
        return
    wait = load_settings().spool_interval if interval is None else interval

    def run() -> None:
        while pending():
            time.sleep(wait)
            flush(url)

    _flusher = threading.Thread(target=run, name="lead-spool", daemon=True)
    _flusher.start()
