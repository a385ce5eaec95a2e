"""Free ports for servers started by the tests, the strangers and the benchmarks."""

from __future__ import annotations

import random
import socket

# Below the kernel's ephemeral range (32768-60999 here): a port picked there can be taken by any
# outgoing connection (to PostgreSQL, RabbitMQ...) before the server it was picked for binds it.
_PORTS = (20000, 32000)
_HANDED_OUT: set[int] = set()  # never the same port twice in one process


def free_port() -> int:
    """A port free now, outside the range the kernel hands to outgoing connections."""
    for _ in range(500):
        port = random.randrange(*_PORTS)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError("no free port")
