"""The retention period of the privacy notice (PIPL Art. 19): leads and conversations older
than it are deleted automatically, by the delivery worker once an hour."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text


def purge_conversations(tracker_db_url: str, days: int, now: float | None = None) -> int:
    """Deletes whole conversations whose latest event is older than the retention period (the
    privacy notice promises it for transcripts as for leads); returns how many."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = create_engine(tracker_db_url, future=True)
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0
            stale = [row[0] for row in connection.execute(text(
                "select sender_id from events group by sender_id having max(timestamp) < :cutoff"
            ), {"cutoff": cutoff})]
            for sender_id in stale:
                connection.execute(text("delete from events where sender_id = :s"), {"s": sender_id})
    finally:
        engine.dispose()
    return len(stale)
