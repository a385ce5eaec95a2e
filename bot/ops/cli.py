"""`lawbot`: the command line of the assistant."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable


def _classify(args: argparse.Namespace) -> int:
    from bot.rasa.classifier import default_classifier, messages_from

    classifier = default_classifier(args.model)
    texts = args.messages or messages_from(sys.stdin)
    for result in classifier.classify_all(texts):
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _triage(args: argparse.Namespace) -> int:
    from bot.triage import assess  # the rules and the second reader; no Rasa

    lines = (line.rstrip("\r\n") for line in sys.stdin)
    for text in args.messages or (line for line in lines if line.strip()):
        result = assess(text)
        row = {"text": text, "urgency": result.urgency, "reasons": list(result.reasons)}
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bot.ops.supervisor import run_forever

    return run_forever(env_file=args.env_file)


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.db import database_url, masked, upgrade

    upgrade()
    print(f"leads database is at the newest schema: {masked(database_url())}")  # no password shown
    return 0


def _erase(args: argparse.Namespace) -> int:
    from bot import privacy

    if args.audit:
        for entry in privacy.audit_entries():
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if not (args.conversation or args.phone or args.email):
        print("error: give --conversation, --phone or --email (or --audit)", file=sys.stderr)
        return 2
    done = privacy.erase(conversation_id=args.conversation, phone=args.phone, email=args.email, actor="staff")
    print("erased: " + ", ".join(f"{kind} {count}" for kind, count in sorted(done.counts.items())))
    return 0


def _leads(args: argparse.Namespace) -> int:
    from bot import leads
    from bot.db import session_scope

    with session_scope() as session:
        if args.leads_command == "list":
            for listed in leads.newest_first(session):
                row = listed.to_dict()
                print(
                    f"{row['id'][:8]}  {row['created_at']}  {row['language']}  {row['topic']:<18} "
                    f"{row['urgency']:<6} {row['status']:<14} {row['contact'].get('name') or '-'}"
                )
        elif args.leads_command == "find":  # exact match through the keyed hashes
            for found in leads.search(session, phone=args.phone, email=args.email):
                print(json.dumps(found.to_dict(), ensure_ascii=False))
        elif args.leads_command == "show":
            lead = leads.find_by_prefix(session, args.id)
            if lead is None:
                print(f"no lead {args.id!r}", file=sys.stderr)
                return 1
            shown = {
                **lead.to_dict(),
                "status_history": leads.status_history(session, lead),
                "events": leads.events(session, lead),
            }
            print(json.dumps(shown, ensure_ascii=False, indent=2))
        else:
            sys.stdout.write(leads.export(leads.newest_first(session), args.format))
    return 0


def _firms(args: argparse.Namespace) -> int:
    from bot import firms
    from bot.db import session_scope

    with session_scope() as session:
        try:
            if args.firms_command == "add":
                firm = firms.add(
                    session,
                    {
                        "name": args.name,
                        "topics": args.topics,
                        "languages": args.languages,
                        "handles_urgent": args.urgent,
                        "weekly_capacity": args.capacity,
                        "fee_models": args.fees,
                        "contact_email": args.email,
                        "webhook_url": args.webhook_url,
                        "webhook_secret": args.webhook_secret,
                    },
                )
                print(f"added firm {firm.id}: {firm.name}")
                if firm.webhook_url and not args.webhook_secret:
                    print(f"webhook secret (give it to the firm to verify signatures): {firm.webhook_secret}")
            elif args.firms_command == "list":
                listed = firms.directory(session, include_inactive=args.all)
                for firm in listed:
                    if args.json:
                        print(json.dumps(firm.to_dict(with_secret=args.secrets), ensure_ascii=False))
                        continue
                    print(
                        f"{firm.id:>4}  {'active' if firm.active else 'INACTIVE'}  {firm.name}\n"
                        f"      topics {','.join(firm.topics)}; languages {','.join(firm.languages)}; "
                        f"{'urgent ok' if firm.handles_urgent else 'not urgent'}; "
                        f"{firm.weekly_capacity}/week; fees {','.join(firm.fee_models) or '-'}; "
                        f"via {'+'.join(firm.methods)}"
                    )
            elif args.firms_command == "import" and args.examples:
                from bot.settings import load as load_settings

                added = firms.import_examples(session, firms.load_file(args.file), load_settings().production)
                print(f"example firms from {args.file}: {added} added (listed firms left as they are)")
            elif args.firms_command == "import":
                created, updated = firms.import_entries(session, firms.load_file(args.file), str(args.file))
                print(f"imported {args.file}: {created} added, {updated} updated")
            else:
                firm = firms.deactivate(session, args.id)
                print(f"deactivated firm {firm.id}: {firm.name} (no longer matched)")
        except firms.NotInThisProfile as error:  # `make run` in production: nothing to load, no failure
            print(f"skipped: {error}")
        except (firms.FirmError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


def _deliveries(args: argparse.Namespace) -> int:
    from bot.db import session_scope
    from bot.delivery import outbox

    with session_scope() as session:
        if args.deliveries_command == "list":
            for delivery in outbox.listing(session, status=args.status, lead_id=args.lead):
                row = delivery.to_dict()
                print(
                    f"{row['id']:>5}  {row['lead_id'][:8]}  firm {row['firm_id']:<4} {row['method']:<7} "
                    f"{row['status']:<9} tries {row['attempts']:<2} next {row['next_attempt_at']}  "
                    f"{row['last_error'] or ''}"
                )
        else:
            try:
                outbox.requeue(session, args.id)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            print(f"delivery {args.id} queued again")
    return 0


def _staff(args: argparse.Namespace) -> int:
    from bot.ops.staff_cli import command

    return command(args)


def _keys(args: argparse.Namespace) -> int:
    from bot.key_rotation import command

    return command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    classify = commands.add_parser(
        "classify", help="classify messages (arguments, or one per line on stdin) as JSON lines"
    )
    classify.add_argument("messages", nargs="*", help="messages; read from stdin when none")
    classify.add_argument("--model", type=Path, default=None, help="trained model (.tar.gz)")
    classify.set_defaults(handler=_classify)

    triage = commands.add_parser(
        "triage", help="urgency and reasons of messages (arguments, or one per line on stdin) as JSON lines"
    )
    triage.add_argument("messages", nargs="*", help="messages; read from stdin when none")
    triage.set_defaults(handler=_triage)

    serve = commands.add_parser("serve", help="start the action server and the Rasa server")
    serve.add_argument(
        "--env-file",
        type=Path,
        help="NAME=value settings for what the environment lacks (make run-production: deploy/local.env)",
    )
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="the leads database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the schema migrations").set_defaults(handler=_db_upgrade)

    leads = commands.add_parser("leads", help="saved leads")
    leads.set_defaults(handler=_leads)
    lead_commands = leads.add_subparsers(dest="leads_command", required=True)
    lead_commands.add_parser("list", help="one line per lead, newest first")
    show = lead_commands.add_parser("show", help="one lead as JSON")
    show.add_argument("id", help="lead id (or a unique prefix of it)")
    find = lead_commands.add_parser("find", help="the leads with this phone or email, as JSON lines")
    find.add_argument("--phone", help="as people write it (+86, spaces, dashes)")
    find.add_argument("--email", help="any case")
    export = lead_commands.add_parser("export", help="every lead, for a spreadsheet or a firm")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")

    firms = commands.add_parser("firms", help="the directory of law firms that receive leads")
    firms.set_defaults(handler=_firms)
    firm_commands = firms.add_subparsers(dest="firms_command", required=True)
    add = firm_commands.add_parser("add", help="add one firm")
    add.add_argument("--name", required=True)
    add.add_argument("--topics", required=True, help="topic codes, comma-separated (e.g. icp,contract)")
    add.add_argument("--languages", required=True, help="language codes, comma-separated (e.g. zh,en,ru)")
    add.add_argument("--urgent", action="store_true", help="takes urgent matters (breaches, detentions)")
    add.add_argument("--capacity", type=int, required=True, help="new leads the firm takes per week")
    add.add_argument("--fees", default="", help="fee models, comma-separated: fixed,hourly,retainer")
    add.add_argument("--email", help="contact email for email delivery")
    add.add_argument("--webhook-url", help="URL the lead is POSTed to")
    add.add_argument("--webhook-secret", help="signing secret (a random one is made when omitted)")
    listing = firm_commands.add_parser("list", help="the directory, one firm per line")
    listing.add_argument("--all", action="store_true", help="include inactive firms")
    listing.add_argument("--json", action="store_true", help="one JSON object per firm")
    listing.add_argument("--secrets", action="store_true", help="with --json: include webhook secrets")
    load = firm_commands.add_parser("import", help="add or update firms from a YAML or JSON file")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--examples", action="store_true", help="demo data: embedded profile only, adds missing firms only"
    )
    deactivate = firm_commands.add_parser("deactivate", help="stop matching a firm")
    deactivate.add_argument("id", type=int)

    deliveries = commands.add_parser("deliveries", help="the outbox of leads sent to firms")
    deliveries.set_defaults(handler=_deliveries)
    delivery_commands = deliveries.add_subparsers(dest="deliveries_command", required=True)
    listed = delivery_commands.add_parser("list", help="deliveries, oldest first")
    listed.add_argument("--status", choices=("pending", "sending", "delivered", "failed", "cancelled"))
    listed.add_argument("--lead", help="only this lead's (full id)")
    retry = delivery_commands.add_parser("retry", help="queue a failed delivery again")
    retry.add_argument("id", type=int)

    erase = commands.add_parser(
        "erase", help="erase a person's data (leads, spool, conversations, log lines); firms are told"
    )
    erase.set_defaults(handler=_erase)
    whom = erase.add_mutually_exclusive_group()
    whom.add_argument("--conversation", help="a conversation id (e.g. tg:123456789)")
    whom.add_argument("--phone", help="every lead with this phone number")
    whom.add_argument("--email", help="every lead with this email")
    whom.add_argument("--audit", action="store_true", help="list the erasure audit (no personal data)")

    from bot.ops.staff_cli import add_parser as add_staff_parser

    add_staff_parser(commands, _staff)

    keys = commands.add_parser("keys", help="the encryption keys (bot/key_rotation.py explains rotation)")
    keys.set_defaults(handler=_keys)
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    key_commands.add_parser("new", help="print a new Fernet key (for LAWBOT_ENCRYPTION_KEYS)")
    key_commands.add_parser("rotate", help="re-encrypt every lead and conversation under the newest key")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # what the assistant writes under var/ is for its owner only
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
