"""The audit trail's hash chain: each row's hash covers its content and the
hash of the row before it.

Changing any field of a row changes its hash; deleting a row breaks the link
of the next one. So a row altered by hand, even by someone who can bypass the
database's append-only trigger, is found by walking the chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def row_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_kind: str,
    actor_account_id: int | None,
    on_behalf_of_person_id: int | None,
    channel: str,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
    details: dict[str, Any],
    previous_hash: str,
) -> str:
    content = {
        "seq": seq,
        "occurred_at": _in_utc(occurred_at),
        "actor_kind": actor_kind,
        "actor_account_id": actor_account_id,
        "on_behalf_of_person_id": on_behalf_of_person_id,
        "channel": channel,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": details,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _in_utc(moment: datetime) -> str:
    """One instant, one text: whatever time zone the database session reads
    it in (a naive value, from SQLite, is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()
