"""`lawbot staff add|list|disable|reset-password`: the staff console's accounts (bot/staff.py);
`lawbot corrections export`: staff's topic corrections as NLU training data (bot/staff_corrections.py).
Passwords are read from stdin (`--password-stdin`), never from the command line, where other
users of the machine could see them in the process list."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable


def add_parser(commands: Any, handler: Callable[[argparse.Namespace], int]) -> None:
    staff = commands.add_parser("staff", help="accounts of the staff console (/staff on the web app)")
    staff.set_defaults(handler=handler)
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="add an account")
    add.add_argument("email")
    add.add_argument("--role", choices=("staff", "admin"), default="staff")
    add.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    listing = staff_commands.add_parser("list", help="the accounts, one per line")
    listing.add_argument("--json", action="store_true")
    disable = staff_commands.add_parser("disable", help="disable an account (its sessions end)")
    disable.add_argument("email")
    reset = staff_commands.add_parser("reset-password", help="a new password (sessions end, lock-out lifted)")
    reset.add_argument("email")
    reset.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )

    corrections = commands.add_parser("corrections", help="staff's corrections of leads")
    corrections.set_defaults(handler=handler)
    correction_commands = corrections.add_subparsers(dest="corrections_command", required=True)
    correction_commands.add_parser(
        "export", help="corrected topics as Rasa NLU training data (YAML on stdout; review before use)"
    )


def _password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _corrections() -> int:
    from bot import staff_corrections
    from bot.db import session_scope
    from bot.settings import load as load_settings

    with session_scope() as session:
        found = staff_corrections.examples(session, load_settings().tracker_store_url)
    sys.stdout.write(staff_corrections.to_yaml(found))
    count = sum(map(len, found.values()))
    print(f"{count} example(s): what users wrote; review before adding to data/nlu/", file=sys.stderr)
    return 0


def command(args: argparse.Namespace) -> int:
    from bot import staff
    from bot.db import session_scope

    if args.command == "corrections":
        return _corrections()

    try:
        with session_scope() as session:
            if args.staff_command == "add":
                user = staff.add(session, args.email, args.role, _password())
                print(f"added {user.role} {user.email}")
            elif args.staff_command == "list":
                for user in staff.listing(session):
                    row = user.to_dict()
                    if args.json:
                        print(json.dumps(row, ensure_ascii=False))
                    else:
                        state = "active" if row["active"] else "DISABLED"
                        locked = (
                            f"  locked until {row['locked_until']}"
                            if staff.is_locked(session, user.email)
                            else ""
                        )
                        print(f"{row['email']:<40} {row['role']:<6} {state}{locked}")
            elif args.staff_command == "disable":
                user = staff.disable(session, args.email)
                print(f"disabled {user.email}")
            else:
                user = staff.reset_password(session, args.email, _password())
                print(f"new password for {user.email}")
    except staff.StaffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
