"""The lead spool: when the leads database cannot be reached, a confirmed lead is written to a
file under var/spool/leads/ and saved as soon as the database answers again, by a background
thread of the process that spooled it and by the delivery worker (at its start and every few
seconds): nothing the user typed is lost.

Longer than 300 lines: the file format (encrypted), the lock and the flush, erasure and
re-encryption that depend on both are kept together, since the erasure race is safe only so.

One file per idempotency key (a retried save spools the lead once), written atomically,
readable by the owner only, and encrypted like the leads database (bot/crypto.py): the file
holds one Fernet token of the JSON record, so no name, phone or text is on disk in the clear.
Files written before encryption (plain JSON) are still read; `lawbot keys rotate` rewrites
every file under the newest key (`reseal`). A file no configured key opens is left in place,
logged (without its content) and skipped: it never blocks the others.

Outage or bad data: only an outage (`db.Unavailable`, or a database that answers but cannot take
leads yet, say not migrated) keeps a lead spooled. A lead the database refuses for its data
(`db.DATA_ERRORS`, `leads.LeadRejected`: a value too long for its column) is saved in a reduced
form (every text cut to its column's size); if even that is refused, or the contact is over
its daily limit, the file moves to var/spool/rejected/ for staff and the log says so (with no
personal data): one bad lead never blocks the others.

Erasure races: a flush saves a file and an erasure removes it only while holding the spool's
lock (threads and processes alike), and a flush never saves a lead whose idempotency key has a
tombstone (`bot.audit.ErasedKey`), so a lead erased at the moment it is flushed stays erased.
Erasure (`erase`) and retention (`purge_older_than`) reach the spool through bot/privacy.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy.exc import SQLAlchemyError

from bot import audit, crypto, db, leads
from bot.leads import Lead
from bot.settings import load as load_settings

log = logging.getLogger(__name__)

# What a refused lead may be: the database's own data errors and the model's own check.
_DATA_ERRORS: tuple[type[BaseException], ...] = (*db.DATA_ERRORS, getattr(leads, "LeadRejected", ValueError))
_TOO_MANY: tuple[type[BaseException], ...] = tuple(
    error for error in (getattr(leads, "TooManyLeads", None),) if isinstance(error, type)
)


class Rejected(Exception):
    """The database refused the lead for its data, even in its reduced form."""


def root(var_dir: Path | None = None) -> Path:
    return (var_dir or load_settings().var_dir) / "spool"


def directory(var_dir: Path | None = None) -> Path:
    """Where spooled leads wait: under `var_dir` (Settings.var_dir by default)."""
    return root(var_dir) / "leads"


def rejected_directory(var_dir: Path | None = None) -> Path:
    """Where leads the database refused for their data wait for staff."""
    return root(var_dir) / "rejected"


def _path(idempotency_key: str, var_dir: Path | None = None) -> Path:
    return directory(var_dir) / (hashlib.sha256(idempotency_key.encode()).hexdigest()[:32] + ".json")


_thread_lock = threading.RLock()


@contextlib.contextmanager
def locked(var_dir: Path | None = None) -> Iterator[None]:
    """The spool's lock: one flush or erasure at a time, across threads and processes."""
    folder = root(var_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _thread_lock:
        descriptor = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the flock


def write(idempotency_key: str, fields: dict[str, Any], folder: Path | None = None) -> Path:
    """Writes a lead that could not be saved (atomically: a reader never sees half a file; 0600)."""
    path = (folder or directory()) / _path(idempotency_key).name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    record = {"idempotency_key": idempotency_key, "fields": _jsonable(fields)}
    _write_text(path, crypto.encrypt(json.dumps(record, ensure_ascii=False)))
    return path


def _write_text(path: Path, text: str) -> None:
    """Replaces `path` with `text` atomically (0600)."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    tmp.replace(path)


def _read(path: Path) -> dict[str, Any]:
    """A spool file's record: decrypted (or, written before encryption, as it is)."""
    text = path.read_text(encoding="utf-8").strip()
    record: dict[str, Any] = json.loads(crypto.decrypt(text) if crypto.is_token(text) else text)
    return record


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


def _records(var_dir: Path | None = None, folder: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    folder = folder or directory(var_dir)
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append((path, _read(path)))
        except FileNotFoundError:  # saved or erased meanwhile
            continue
        except (InvalidToken, ValueError) as error:
            log.error("spool file %s cannot be read (%s): left in place", path.name, type(error).__name__)
    return found


def reseal(fernet: MultiFernet, var_dir: Path | None = None) -> int:
    """Rewrites every spooled (and set-aside) lead under `fernet`'s first key (encrypting the files
    written before encryption), under the spool's lock; returns how many files. For `lawbot keys
    rotate` (bot/key_rotation.py). A file none of the keys opens is left as it is."""
    count = 0
    with locked(var_dir):
        for folder in (directory(var_dir), rejected_directory(var_dir)):
            for path in sorted(folder.glob("*.json")) if folder.exists() else ():
                try:
                    text = path.read_text(encoding="utf-8").strip()
                    if crypto.is_token(text):
                        sealed = fernet.rotate(text.encode("ascii")).decode("ascii")
                    else:
                        json.loads(text)  # a record written before encryption
                        sealed = fernet.encrypt(text.encode("utf-8")).decode("ascii")
                except FileNotFoundError:
                    continue
                except (InvalidToken, ValueError) as error:
                    log.error("spool file %s not re-encrypted (%s)", path.name, type(error).__name__)
                    continue
                _write_text(path, sealed)
                count += 1
    return count


def reduced(fields: dict[str, Any]) -> dict[str, Any]:
    """The lead cut to fit: every text longer than its column is shortened to the column's size."""
    fitted = dict(fields)
    for name, value in fields.items():
        column = Lead.__table__.columns.get(name)
        length = getattr(getattr(column, "type", None), "length", None)
        if isinstance(value, str) and isinstance(length, int) and len(value) > length:
            fitted[name] = value[:length]
    return fitted


def _erased(session: Any, idempotency_key: str) -> bool:
    hashed = (
        "sha256:" + hashlib.sha256(idempotency_key.encode()).hexdigest()
    )  # as leads.save stores a long key
    return audit.was_erased(session, idempotency_key) or audit.was_erased(session, hashed)


def _save(idempotency_key: str, fields: dict[str, Any], url: str | None) -> Lead | None:
    """Saves the lead (in its reduced form when the database refuses its data). Returns None when
    its key was erased. Raises `db.Unavailable` (or another SQLAlchemyError: not ready yet) for
    an outage, `Rejected` when even the reduced form is refused."""
    for attempt in (fields, reduced(fields)):
        try:
            with db.session_scope(url) as session:
                if _erased(session, idempotency_key):
                    return None
                return leads.save(session, idempotency_key, **attempt)
        except _DATA_ERRORS as error:
            log.warning("the leads database refused a lead's data (%s)", type(error).__name__)
            last: BaseException = error
    raise Rejected(f"refused even in reduced form: {type(last).__name__}") from last


def _reject(path: Path, record: dict[str, Any], why: str) -> None:
    """Moves a refused lead out of the way, for staff; the log names no personal data."""
    write(record["idempotency_key"], record["fields"], rejected_directory())
    path.unlink(missing_ok=True)
    log.error("a spooled lead was refused by the leads database (%s); kept for staff in %s", why, path.parent)


def flush(url: str | None = None) -> int:
    """Saves every spooled lead (idempotently) and removes its file; returns how many were saved.
    Stops at the first outage (the rest stay spooled for the next try); a lead refused for its
    data is saved reduced or set aside, and the flush goes on.
    `url`: the leads database (the configured one by default)."""
    saved = 0
    for path, record in _records():
        with locked():
            if not path.exists():  # erased (or saved by another flusher) since it was listed
                continue
            try:
                lead = _save(record["idempotency_key"], _from_json(record["fields"]), url)
            except (db.Unavailable, SQLAlchemyError) as error:
                log.warning(
                    "leads database still unreachable, lead(s) stay spooled: %s", type(error).__name__
                )
                break
            except Rejected as error:
                _reject(path, record, str(error))
                continue
            except _TOO_MANY:
                _reject(path, record, "too many leads from this contact today")
                continue
            path.unlink(missing_ok=True)
            saved += lead is not None
    return saved


def matching(matches: Callable[[dict[str, Any]], bool], var_dir: Path | None = None) -> list[dict[str, Any]]:
    """The spooled (and set-aside) leads whose fields `matches`."""
    folders = (directory(var_dir), rejected_directory(var_dir))
    return [
        record for folder in folders for _, record in _records(folder=folder) if matches(record["fields"])
    ]


def erase(matches: Callable[[dict[str, Any]], bool], var_dir: Path | None = None) -> list[str]:
    """Deletes the spooled (and set-aside) leads whose fields `matches`; call it under `locked()`.
    Returns their idempotency keys (for the tombstones)."""
    keys = []
    for folder in (directory(var_dir), rejected_directory(var_dir)):
        for path, record in _records(folder=folder):
            if matches(record["fields"]):
                path.unlink(missing_ok=True)
                keys.append(str(record["idempotency_key"]))
    return keys


def erase_conversation(conversation_id: str) -> int:
    """Deletes the spooled leads of a conversation (erasure must reach them too); returns how many."""
    with locked():
        return len(erase(lambda fields: fields.get("conversation_id") == conversation_id))


def purge_older_than(cutoff: datetime, var_dir: Path | None = None) -> int:
    """Deletes spooled (and set-aside) leads confirmed before `cutoff` (the file's time when the
    lead has none, or when no key opens the file)."""
    purged = 0
    for folder in (directory(var_dir), rejected_directory(var_dir)):
        readable = dict(_records(folder=folder))
        for path in sorted(folder.glob("*.json")) if folder.exists() else ():
            with contextlib.suppress(FileNotFoundError):
                if _confirmed_at(path, readable.get(path, {"fields": {}})) < cutoff:
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
    """Saves the lead and returns it, or spools it when the database cannot be reached and returns
    None (the background flusher saves it later). A lead refused for its data is saved in its
    reduced form, else set aside for staff (None). `url`: the leads database, as in `flush`."""
    try:
        return _save(idempotency_key, fields, url)
    except (db.Unavailable, SQLAlchemyError) as error:
        log.warning("leads database unreachable, spooling the lead: %s", type(error).__name__)
        write(idempotency_key, fields)
        start_flusher(url)
        return None
    except Rejected as error:
        log.error("the leads database refused a lead (%s); kept for staff under var/spool/rejected", error)
        write(idempotency_key, fields, rejected_directory())
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
