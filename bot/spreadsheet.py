"""Cells that a spreadsheet shows as text, never runs: a CSV cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice and Google
Sheets ("CSV injection"), and what users type ends up in exported leads. Such a cell gets a
leading apostrophe, which spreadsheets hide and treat as "this is text"."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """The value as a safe CSV cell: text starting like a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
