"""The one error a sender raises, saying whether trying again could help."""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery attempt failed. `permanent`: the next try would fail the same way (refused
    request, bad configuration), so the delivery goes straight to staff instead of retrying."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent
