"""Who is acting: the person or staff member behind each use case."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The one doing an act, and the citizen it is done for.

    ``kind`` is ``citizen``, ``staff`` or ``system``. ``channel`` says where it
    happened: ``online``, ``counter``, ``backoffice`` or ``cli``.
    """

    kind: str
    account_id: int | None
    person_id: int | None = None
    channel: str = "online"
    on_behalf_of_person_id: int | None = None

    @classmethod
    def citizen(cls, account_id: int, person_id: int) -> Actor:
        return cls("citizen", account_id, person_id, "online", person_id)

    @classmethod
    def staff(cls, account_id: int, channel: str) -> Actor:
        """A staff member: a reviewer (``backoffice``) or a counter agent (``counter``)."""
        return cls("staff", account_id, None, channel, None)

    @classmethod
    def system(cls, channel: str = "cli") -> Actor:
        return cls("system", None, None, channel, None)
