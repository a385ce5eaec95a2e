"""The log files under var/ (the supervisor sends each server's output to var/log/NAME.log):
rotated daily or when large, kept no longer than the retention period, and scrubbed of a
person's lines when that person's data is erased. Masking keeps what the assistant logs free
of phone numbers and emails in the first place (`MaskingFilter`).

Rotation copies the file and truncates it in place ("copytruncate"): the servers write with
O_APPEND to a descriptor the supervisor opened, so the file must keep its inode.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
EVERY = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven digits or more (with spaces, dashes, a leading +): phone numbers, never a port or a count.
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d \-]{5,}\d(?![\w.])")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _phone(match: re.Match[str]) -> str:
    number = match.group(0)
    if _DATE.match(number) or sum(c.isdigit() for c in number) < 7:
        return number
    return "<phone>"


def mask(text: str) -> str:
    """The text with emails and phone-like numbers (not dates) replaced by placeholders."""
    return _PHONE.sub(_phone, _EMAIL.sub("<email>", text))


class MaskingFilter(logging.Filter):
    """Masks emails and phone numbers in every record it sees (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is the logger's problem, not ours
            return True
        record.msg, record.args = mask(message), None
        return True


def install_masking(logger: logging.Logger | None = None) -> None:
    """Adds the masking filter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def make_private(folder: Path) -> None:
    """`folder` and everything under it readable by the owner only (directories 0700, files
    0600); made when missing."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else (path.stat().st_mode & 0o100) | 0o600)


def files(folder: Path) -> Iterator[Path]:
    """The log files under `folder`: `*.log` and rotated `*.log.*`."""
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*.log*")):
        if (path.suffix == ".log" or ".log." in path.name) and path.is_file():
            yield path


def _rotated(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".*"))


def _last_rotation(path: Path) -> datetime | None:
    for rotated in reversed(_rotated(path)):
        try:
            return datetime.strptime(rotated.name.rsplit(".", 1)[1], _STAMP)
        except ValueError:
            continue
    return None


_LINE_TIME = re.compile(rb"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})")


def _first_line_time(path: Path) -> datetime | None:
    """The time of the oldest line of the file (the first timestamp in its first lines)."""
    with path.open("rb") as handle:
        for _ in range(50):
            line = handle.readline()
            if not line:
                return None
            found = _LINE_TIME.search(line)
            if found:
                return datetime.fromisoformat(f"{found.group(1).decode()} {found.group(2).decode()}")
    return None


def rotate(folder: Path, now: datetime, max_bytes: int = MAX_BYTES, every: timedelta = EVERY) -> int:
    """Rotates each active `*.log` under `folder` that is larger than `max_bytes`, or whose
    oldest line (else its last rotation) is more than `every` old; returns how many."""
    stamp_now = now.replace(tzinfo=None)
    rotated = 0
    for path in list(files(folder)):
        if path.suffix != ".log":
            continue
        size = path.stat().st_size
        since = _first_line_time(path) or _last_rotation(path)
        if size == 0 or (size <= max_bytes and (since is None or stamp_now - since < every)):
            continue
        target = path.with_name(f"{path.name}.{stamp_now.strftime(_STAMP)}")
        shutil.copy2(path, target)  # keeps the time of the last line: retention counts from it
        target.chmod(0o600)
        with path.open("r+b") as handle:
            handle.truncate(0)
        rotated += 1
    return rotated


def purge(folder: Path, cutoff: datetime) -> int:
    """Deletes log files under `folder` last written before `cutoff`; returns how many."""
    purged = 0
    for path in list(files(folder)):
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            purged += 1
    return purged


def scrub(folder: Path, needles: Iterable[str]) -> int:
    """Removes every line that contains one of `needles` from every log file under `folder`
    (in place: a server appending to the file keeps doing so); returns how many lines."""
    wanted = [needle.encode("utf-8") for needle in {n for n in needles if n and len(n.strip()) >= 2}]
    if not wanted:
        return 0
    removed = 0
    for path in list(files(folder)):
        with path.open("r+b") as handle:
            lines = handle.readlines()
            kept = [line for line in lines if not any(needle in line for needle in wanted)]
            if len(kept) == len(lines):
                continue
            handle.seek(0)
            handle.writelines(kept)
            handle.truncate()
        removed += len(lines) - len(kept)
    return removed
