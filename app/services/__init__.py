"""Use cases. Each takes plain values and an actor, runs in one transaction,
writes its audit record in that same transaction, and returns a result or
raises a ``DomainError``."""
