"""The audit trail's hash chain: each row's hash covers its content and the
hash of the row before it, keyed with a secret kept outside the database.

Changing any field of a row changes its hash; deleting a row breaks the link
of the next one. The hash is an HMAC with ``AUDIT_CHAIN_KEY``: someone who
can write to the database but does not hold the key cannot compute the
hashes of rows they rewrite, so the chain shows it. Truncation, the deletion
of the last rows, and a rewrite by someone who does hold the key leave a
chain that holds together: anchors (the head's seq and hash, kept outside
the database by ``flask audit anchor``) catch those.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(
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
    request_id: str | None = None,
) -> bytes:
    """A row's content as one byte string: the same row gives the same bytes.

    The request id (migration 0012) is covered when the row has one, so that
    it cannot be changed unseen either; a row without one gives the bytes it
    gave before request ids existed, and its hash still holds.
    """
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
    if request_id is not None:
        content["request_id"] = request_id
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def row_hash(key: bytes, **fields: Any) -> str:
    """HMAC-SHA256 of the row's canonical content, with the chain's key."""
    return hmac.new(key, canonical(**fields), hashlib.sha256).hexdigest()


def unkeyed_row_hash(**fields: Any) -> str:
    """The chain as migration 0007 built it, before it was keyed; only
    migrations use it (0007, and 0010 when it is undone)."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


def _in_utc(moment: datetime) -> str:
    """One instant, one text: whatever time zone the database session reads
    it in (a naive value, from SQLite, is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, kept outside the database."""

    seq: int
    hash: str
    at: str

    def to_line(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at}, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> Anchor:
        data = json.loads(line)
        return cls(int(data["seq"]), str(data["hash"]), str(data["at"]))
