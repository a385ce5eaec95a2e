"""When the supervisor restarts a crashed child (bot/ops/supervisor.py): after a pause that
doubles with each crash in a short window (1 s, 2 s, 4 s, … at most `max_delay`), and not at
all once a child crashed `max_crashes` times within `window` seconds: then something is wrong
that a restart does not mend, and the supervisor stops everything and says so."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class RestartPolicy:
    max_crashes: int = 5
    window: float = 60.0
    base_delay: float = 1.0
    max_delay: float = 30.0
    clock: Clock = time.monotonic
    _crashes: deque[float] = field(default_factory=deque, init=False, repr=False)

    def crashed(self) -> float | None:
        """Records a crash now: the seconds to wait before the restart, None to give up."""
        now = self.clock()
        self._crashes.append(now)
        while self._crashes and now - self._crashes[0] > self.window:
            self._crashes.popleft()
        recent = len(self._crashes)
        if recent >= self.max_crashes:
            return None
        return float(min(self.max_delay, self.base_delay * 2 ** (recent - 1)))

    @property
    def recent_crashes(self) -> int:
        return len(self._crashes)
