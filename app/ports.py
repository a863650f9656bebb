"""Ports that services and adapters both depend on, so that neither imports the other.

A service (the outbox) says what it needs from a gateway; an adapter
(``integrations/sms.py``, ``integrations/mail.py``) provides it. With the
port here, the arrows point inwards: ``integrations`` never imports a
service (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from typing import Protocol


class DeliveryFailed(Exception):
    """The gateway refused or could not be reached. ``permanent``: retrying will not help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Sender(Protocol):
    """A gateway for one channel (SMS or email)."""

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        """Send one message; raise DeliveryFailed if it was not accepted.

        ``reference`` names the message, the same on every try: a worker that
        dies after the gateway took a message but before marking it sent
        leaves it to another worker, which hands it over again under the same
        reference. A gateway that deduplicates on it (an SMS gateway's client
        reference, an email's Message-ID) then delivers it once.
        """
        ...
