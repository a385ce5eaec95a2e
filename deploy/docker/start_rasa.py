"""The Rasa server's start in a container (deploy/k8s/rasa.yaml): what the supervisor
(bot/ops/supervisor.py) does for its Rasa child, without the supervisor, then `exec`s it.

    python deploy/docker/start_rasa.py [--interface 0.0.0.0]

1. In the production profile, refuses to start (exit 2) while `production_problems` lists
   anything, naming every missing setting, as `make run` does.
2. Renders Rasa's endpoints and credentials files into LAWBOT_VAR_DIR with the supervisor's
   own code (`Stack.write_endpoints`, `Stack.write_credentials`): the stores of the
   production profile, the action server as `ACTION_ENDPOINT_URL` or LAWBOT_HOST:ACTION_PORT
   (the sidecar on loopback), and the channels the environment configures. Neither file
   holds a secret.
3. Puts the store passwords found in the URLs into the environment under the names
   endpoints.yml refers to (`store_passwords`), then replaces itself with
   `python -m bot.rasa.serve`, which reads RASA_API_TOKEN and LAWBOT_ACTION_SECRET from the
   environment as well. No secret ever appears on a command line.

The Rasa server listens on `--interface` (default 0.0.0.0: the Service and the ingress reach
it) and RASA_PORT; LAWBOT_HOST stays loopback, where the action server sidecar listens.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Run as a file (not `-m`): the project root first on the path, as the image's PYTHONPATH has it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.ops.supervisor import Stack, production_problems, store_passwords  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.settings import load as load_settings  # noqa: E402


def prepare(settings: Settings, interface: str) -> tuple[list[str], dict[str, str]]:
    """The Rasa server's command and environment, once its files are written; SystemExit with
    the list of problems when the production profile lacks settings."""
    if settings.production:
        problems = production_problems(settings)
        if problems:
            raise SystemExit(
                "the production profile (LAWBOT_PROFILE=production) needs:\n  - " + "\n  - ".join(problems)
            )
    if not settings.rasa_api_token:
        raise SystemExit("RASA_API_TOKEN is not set (the token of Rasa's HTTP API)")
    if not settings.action_secret:
        raise SystemExit("LAWBOT_ACTION_SECRET is not set (the secret Rasa sends the action server)")
    os.umask(0o077)  # the files under var/ for the owner only, as the supervisor makes them
    stack = Stack(settings)
    endpoints = stack.write_endpoints()
    credentials = stack.write_credentials()
    command = [sys.executable, "-m", "bot.rasa.serve", "--model", str(settings.model_path)]
    command += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
    command += ["--interface", interface, "--port", str(settings.rasa_port), "--cors", "*"]
    environment = {**os.environ, **store_passwords(settings), "PYTHONUNBUFFERED": "1"}
    return command, environment


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="start_rasa.py", description=__doc__.split("\n")[0])
    parser.add_argument("--interface", default="0.0.0.0", help="where the Rasa server listens")  # noqa: S104
    args = parser.parse_args(argv)
    settings = load_settings()
    if not settings.model_path.exists():
        raise SystemExit(f"no trained model at {settings.model_path} (LAWBOT_MODEL)")
    command, environment = prepare(settings, args.interface)
    print(f"starting the Rasa server on {args.interface}:{settings.rasa_port}", flush=True)
    os.execve(command[0], command, environment)


if __name__ == "__main__":
    main()
