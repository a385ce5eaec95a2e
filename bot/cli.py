"""`lawbot`: the command line of the assistant."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _classify(args: argparse.Namespace) -> int:
    from bot.classifier import default_classifier, messages_from

    classifier = default_classifier(args.model)
    texts = args.messages or messages_from(sys.stdin)
    for result in classifier.classify_all(texts):
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bot.supervisor import run_forever

    return run_forever()


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.db import database_url, upgrade

    upgrade()
    print(f"leads database is at the newest schema: {database_url()}")
    return 0


def _leads(args: argparse.Namespace) -> int:
    from bot import leads
    from bot.db import sessions

    with sessions()() as session:
        if args.leads_command == "list":
            for lead in leads.newest_first(session):
                row = lead.to_dict()
                print(f"{row['id'][:8]}  {row['created_at']}  {row['language']}  {row['topic']:<18} "
                      f"{row['urgency']:<6} {row['status']:<14} {row['contact'].get('name') or '-'}")
        elif args.leads_command == "show":
            lead = leads.find(session, args.id)
            if lead is None:
                print(f"no lead {args.id!r}", file=sys.stderr)
                return 1
            print(json.dumps(lead.to_dict(), ensure_ascii=False, indent=2))
        else:
            sys.stdout.write(leads.export(leads.newest_first(session), args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    classify = commands.add_parser(
        "classify", help="classify messages (arguments, or one per line on stdin) as JSON lines"
    )
    classify.add_argument("messages", nargs="*", help="messages; read from stdin when none")
    classify.add_argument("--model", type=Path, default=None, help="trained model (.tar.gz)")
    classify.set_defaults(handler=_classify)

    serve = commands.add_parser("serve", help="start the action server and the Rasa server")
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="the leads database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the schema migrations").set_defaults(
        handler=_db_upgrade
    )

    leads = commands.add_parser("leads", help="saved leads")
    leads.set_defaults(handler=_leads)
    lead_commands = leads.add_subparsers(dest="leads_command", required=True)
    lead_commands.add_parser("list", help="one line per lead, newest first")
    show = lead_commands.add_parser("show", help="one lead as JSON")
    show.add_argument("id", help="lead id (or a unique prefix of it)")
    export = lead_commands.add_parser("export", help="every lead, for a spreadsheet or a firm")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
