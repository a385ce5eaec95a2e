"""Small statistical models kept on disk under a hash of everything they are made of, trained anew
only when one of those changes (the triage second reader, the topic reader)."""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the files' names and contents and of scikit-learn's version."""
    import sklearn

    digest = hashlib.sha256(sklearn.__version__.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cached(directory: Path, key: str, build: Callable[[], T]) -> T:
    """The model stored as `directory/key.pkl`, or `build()` stored there (older files removed)."""
    stored_at = directory / f"{key}.pkl"
    if stored_at.exists():
        try:
            with stored_at.open("rb") as stored:
                model: T = pickle.load(stored)  # noqa: S301 - our own file, made below
            return model
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a broken or older file: trained anew
    model = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as out:
            pickle.dump(model, out)
        Path(out.name).replace(stored_at)
        for old in directory.glob("*.pkl"):
            if old != stored_at:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only tree: the model lives in this process only
    return model
