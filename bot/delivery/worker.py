"""The delivery worker: takes due outbox rows one at a time, sends each by its method, and
records the outcome. Several workers may run at once (see `outbox` for why that is safe).
Erasure notices (`lead.erased`) go out the same way, to every firm that received the lead,
even one taken out of the directory since. The worker also saves the spooled leads (at its
start, then on every poll) and deletes what is past the retention period (at start, hourly).

    python -m bot.delivery           # loop until SIGTERM / Ctrl-C
    python -m bot.delivery --once    # one attempt at everything due now, then exit
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from typing import Callable

from sqlalchemy.orm import Session

from bot import db, logfiles, privacy, spool
from bot.delivery import mail, outbox, webhook
from bot.delivery.errors import DeliveryError
from bot.firms import Firm
from bot.settings import load as load_settings

PURGE_EVERY = 3600  # seconds between deletions of what is past the retention period

log = logging.getLogger("lawbot.delivery")


def _send_webhook(firm: Firm, claim: outbox.Claim) -> None:
    if not firm.webhook_url:
        raise DeliveryError("the firm no longer has a webhook URL", permanent=True)
    webhook.send(
        firm.webhook_url, firm.webhook_secret or "", claim.payload, claim.idempotency_key, event=claim.event
    )


def _send_email(firm: Firm, claim: outbox.Claim) -> None:
    if not firm.contact_email:
        raise DeliveryError("the firm no longer has a contact email", permanent=True)
    smtp = load_settings().smtp
    build = mail.build_message if claim.kind == "lead" else mail.build_erasure_message  # or withdrawal
    message = build(claim.payload, firm.contact_email, firm.languages, claim.idempotency_key, smtp.sender)
    mail.send(message, smtp)


SENDERS: dict[str, Callable[[Firm, outbox.Claim], None]] = {"webhook": _send_webhook, "email": _send_email}


class Worker:
    def __init__(self, url: str | None = None, policy: outbox.Policy | None = None):
        """`url`: the leads database (the configured one by default)."""
        self.url = url
        self.session_factory = db.session_factory(url)
        self.policy = policy or outbox.Policy.from_settings()
        self.stopping = threading.Event()

    def attempt(self, session: Session, claim: outbox.Claim) -> str | None:
        """Sends one claimed delivery and records the outcome; returns the row's new status
        (None: the row was erased or retaken meanwhile, so no outcome was recorded).

        The firm's address and secret are read now, not at consent time, so a corrected URL
        applies to the next retry.
        """
        firm = session.get(Firm, claim.firm_id)
        session.commit()  # no transaction stays open during the network call
        try:
            # A firm taken out of the directory still holds the leads it received: it is told of
            # their erasure all the same.
            if firm is None or (not firm.active and claim.kind == "lead"):
                raise DeliveryError("the firm was removed from the directory after consent", permanent=True)
            SENDERS[claim.method](firm, claim)
        except DeliveryError as error:
            status = outbox.record_failure(session, claim, str(error), error.permanent, self.policy)
            log.warning(
                "delivery %s (%s to firm %s, try %s): %s -> %s",
                claim.id,
                claim.method,
                claim.firm_id,
                claim.attempts,
                error,
                status,
            )
            return status
        except Exception as error:  # a bug in rendering must not kill the worker or lose the row
            log.exception("delivery %s: unexpected error", claim.id)
            error_text = f"{type(error).__name__}: {error}"
            return outbox.record_failure(session, claim, error_text, False, self.policy)
        outbox.record_success(session, claim)
        log.info(
            "delivery %s (%s to firm %s) delivered on try %s",
            claim.id,
            claim.method,
            claim.firm_id,
            claim.attempts,
        )
        return "delivered"

    def run_once(self) -> int:
        """One attempt at every delivery due when it starts; returns how many were attempted.

        Rows that fail and come due again during the run wait for the next run, so a run is
        bounded however small the backoff.
        """
        due_by = outbox.now()
        tried: set[int] = set()
        with self.session_factory() as session:
            while not self.stopping.is_set():
                claim = outbox.claim_next(session, due_by, self.policy, skip=set(tried))
                if claim is None:
                    break
                tried.add(claim.id)
                self.attempt(session, claim)
        return len(tried)

    def purge_expired(self) -> privacy.Report:
        """Deletes what is older than the retention period (leads, conversations, spool, logs)."""
        report = privacy.purge_expired(url=self.url)
        privacy.purge_unconsented(url=self.url)  # conversations that never reached consent
        return report

    def flush_spool(self) -> int:
        """Saves the leads spooled by any process while the leads database was away."""
        if not spool.pending():
            return 0
        saved = spool.flush(self.url)
        if saved:
            log.info("saved %d spooled lead(s)", saved)
        return saved

    def run_forever(self, poll: float) -> None:
        log.info(
            "delivery worker started (backoff %ss, at most %s tries)",
            self.policy.backoff,
            self.policy.max_attempts,
        )
        next_purge = 0.0
        while not self.stopping.is_set():
            try:
                self.flush_spool()  # at start, then on every poll: a cheap look at a directory
            except Exception:  # never let one lead's trouble hold up the deliveries
                log.exception("spool flush failed")
            try:
                self.run_once()
                if time.monotonic() >= next_purge:  # the retention period of the privacy notice
                    self.purge_expired()
                    next_purge = time.monotonic() + PURGE_EVERY
            except Exception:  # the database may be briefly away: log, wait, go on
                log.exception("delivery run failed")
            self.stopping.wait(poll)
        log.info("delivery worker stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.delivery",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--once", action="store_true", help="attempt what is due now, then exit")
    parser.add_argument(
        "--poll",
        type=float,
        default=load_settings().delivery.poll,
        help="seconds between looks at the outbox (env LAWBOT_DELIVERY_POLL, default 2)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    logfiles.install_masking()
    worker = Worker()
    if args.once:
        worker.flush_spool()
        attempted = worker.run_once()
        log.info("attempted %s deliveries", attempted)
        return 0
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stopping.set())
    worker.run_forever(args.poll)
    return 0
