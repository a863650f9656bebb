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
    office: str | None = None  # staff: recorded with every act
    assisted_session_id: int | None = None  # a counter agent acting for a citizen

    @classmethod
    def citizen(cls, account_id: int, person_id: int) -> Actor:
        return cls("citizen", account_id, person_id, "online", person_id)

    @classmethod
    def staff(cls, account_id: int, channel: str, office: str | None = None) -> Actor:
        """A staff member: a reviewer (``backoffice``) or a counter agent (``counter``)."""
        return cls("staff", account_id, None, channel, None, office)

    @classmethod
    def agent_for(
        cls, account_id: int, office: str | None, citizen_person_id: int, session_id: int
    ) -> Actor:
        """A counter agent acting for a citizen, within an assisted session."""
        return cls("staff", account_id, None, "counter", citizen_person_id, office, session_id)

    @classmethod
    def system(cls, channel: str = "cli") -> Actor:
        return cls("system", None, None, channel, None)
