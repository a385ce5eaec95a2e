"""`lawbot keys rotate`: every encrypted value - the leads' columns, the lead events' details, the
outbox's payloads and errors, the tracker store's events, the spooled leads' files -
re-encrypted under the newest key, old keys readable until the end.

Embedded profile (keys in var/keys/lawbot.key): a new key is made and written first in the file
(running processes encrypt with it from their next write, and still read the old ones), every
value is re-encrypted, then the file keeps the new key only. Interrupted, the file still holds
every key, and running it again finishes the work.

Production profile (keys in LAWBOT_ENCRYPTION_KEYS, which this command cannot change):
1. `lawbot keys new` prints a key; put it first: LAWBOT_ENCRYPTION_KEYS=<new>,<old>; restart
   (the servers now write with the new key and read both);
2. `lawbot keys rotate`, with the same variable, re-encrypts everything under the first key;
3. it prints the list to set from then on (the first key only); set it and restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.engine import Connection

from bot import crypto, spool
from bot.settings import Settings
from bot.settings import load as load_settings

# The encrypted columns of the leads database (bot/leads.py, bot/delivery/outbox.py) and of the
# tracker store.
LEADS_DATABASE: dict[str, tuple[str, ...]] = {
    "leads": ("summary", "answers", "contact", "counterparty"),
    "lead_events": ("detail",),
    "deliveries": ("payload", "last_error"),
}
TRACKER_STORE: dict[str, tuple[str, ...]] = {"events": ("data",)}


@dataclass(frozen=True)
class Rotated:
    leads: int
    lead_events: int
    tracker_events: int
    key_list: tuple[str, ...]  # the keys to keep from now on, newest first
    deliveries: int = 0
    spooled: int = 0  # spool files (waiting and set aside) rewritten


def reencrypt(
    connection: Connection, tables: dict[str, tuple[str, ...]], fernet: MultiFernet
) -> dict[str, int]:
    """Re-encrypts (or, for values stored before encryption, encrypts) every non-empty value of
    the given columns under `fernet`'s first key; returns the rows changed per table. Tables
    that are not there count 0."""
    counts = {}
    inspector = sa.inspect(connection)
    for name, columns in tables.items():
        counts[name] = 0
        if not inspector.has_table(name):
            continue
        table = sa.table(name, sa.column("id"), *(sa.column(c, sa.Text) for c in columns))
        for row in connection.execute(sa.select(table)).mappings().all():
            values = {c: _again(fernet, row[c]) for c in columns if row[c] is not None}
            if values:
                connection.execute(table.update().where(table.c.id == row["id"]).values(**values))
                counts[name] += 1
    return counts


def _again(fernet: MultiFernet, value: str) -> str:
    if crypto.is_token(value):
        return fernet.rotate(value.encode("ascii")).decode("ascii")
    return fernet.encrypt(value.encode("utf-8")).decode("ascii")


def seal_plain_events(connection: Connection, fernet: MultiFernet) -> int:
    """Encrypts the tracker store events stored before encryption (left as they are otherwise)."""
    if not sa.inspect(connection).has_table("events"):
        return 0
    events = sa.table("events", sa.column("id"), sa.column("data", sa.Text))
    sealed = 0
    # Only rows that cannot be tokens are read: a start does not decrypt the whole store.
    for row in connection.execute(sa.select(events).where(events.c.data.notlike("gAAAAA%"))).all():
        if row.data is not None and not crypto.is_token(row.data):
            connection.execute(
                events.update().where(events.c.id == row.id).values(data=_again(fernet, row.data))
            )
            sealed += 1
    return sealed


def _run(url: str, tables: dict[str, tuple[str, ...]], fernet: MultiFernet) -> dict[str, int]:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            return reencrypt(connection, tables, fernet)
    finally:
        engine.dispose()


def rotate(settings: Settings | None = None, *, database_url: str | None = None) -> Rotated:
    """Re-encrypts the leads database, the tracker store and the spool under the newest key (see the
    module's docstring for which key that is in each profile)."""
    settings = settings or load_settings()
    if settings.encryption_keys:
        key_list: tuple[str, ...] = settings.encryption_keys
    elif settings.production:
        raise crypto.KeyMissing("the production profile needs LAWBOT_ENCRYPTION_KEYS to rotate")
    else:
        key_list = (crypto.new_key(), *crypto.keys(settings))
        crypto.write_private(crypto.key_file(settings), "\n".join(key_list) + "\n", replace=True)
        crypto.reset()
    fernet = crypto.of_keys(key_list)
    counts: dict[str, Any] = _run(database_url or settings.database_url, LEADS_DATABASE, fernet)
    tracker = settings.tracker_db
    counts |= _run(settings.tracker_store_url, TRACKER_STORE, fernet) if tracker.exists() else {"events": 0}
    spooled = spool.reseal(fernet, settings.var_dir)
    if not settings.encryption_keys:  # embedded: done, the old keys go
        crypto.write_private(crypto.key_file(settings), key_list[0] + "\n", replace=True)
        crypto.reset()
    return Rotated(
        counts["leads"],
        counts["lead_events"],
        counts["events"],
        key_list[:1],
        deliveries=counts["deliveries"],
        spooled=spooled,
    )


def command(args: Any) -> int:
    """`lawbot keys new | rotate`."""
    settings = load_settings()
    if args.keys_command == "new":
        print(crypto.new_key())
        return 0
    try:
        done = rotate(settings)
    except crypto.KeyMissing as error:
        print(f"error: {error}", flush=True)
        return 1
    print(
        f"re-encrypted under the newest key: {done.leads} lead(s), {done.lead_events} lead event(s), "
        f"{done.deliveries} delivery(ies), {done.tracker_events} tracker event(s), "
        f"{done.spooled} spooled lead(s)"
    )
    if settings.encryption_keys:
        print("every value is now under the first key; from now on set (and restart):")
        print(f"LAWBOT_ENCRYPTION_KEYS={','.join(done.key_list)}")
    else:
        print(f"key file rewritten: {crypto.key_file(settings)}")
    return 0
