"""A law firm's webhook endpoint, for tests: a real HTTP server that verifies every request's
signature the way a firm would (bot.delivery.webhook.verify_signature)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.delivery.webhook import verify_signature

SECRET = "firm-secret-4f9a"


class Receiver:
    """A firm's webhook endpoint: verifies every request's signature with the firm's copy of the
    secret, answers 401 when it does not verify, else `status`."""

    def __init__(self, secret: str = SECRET, status: int = 200):
        self.secret, self.status = secret, status
        self.requests: list[dict] = []
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/leads"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = verify_signature(
                    receiver.secret,
                    self.headers.get("X-Lawbot-Timestamp"),
                    body,
                    self.headers.get("X-Lawbot-Signature"),
                )
                receiver.requests.append({"headers": dict(self.headers), "body": body, "verified": verified})
                self.send_response(receiver.status if verified else 401)
                self.end_headers()
                self.wfile.write(b"ok" if verified else b"bad signature")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
