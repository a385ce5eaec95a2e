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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
