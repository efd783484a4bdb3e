"""Core use cases: recording audit events and sending notifications."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from trellis.core.domain.audit_chain import (
    GENESIS_HASH,
    ChainLink,
    ChainProblem,
    canonical,
    compute_hash,
    verify,
)
from trellis.core.models import AuditEvent, AuditHead, Notification, Person

# Any constant will do: it names the lock that serialises appends to the chain on PostgreSQL.
_AUDIT_LOCK_ID = 7_405_221


def _actor_label(actor: Person | None) -> str:
    return f"person:{actor.pk}" if actor is not None and actor.pk else "system"


def _iso(dt) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class _AuditBatch:
    """The chain's head as it stands inside an `audit_batched` block, and the events waiting to be written."""

    seq: int
    hash: str
    events: list[AuditEvent] = field(default_factory=list)


_audit_batch: ContextVar[_AuditBatch | None] = ContextVar("trellis_audit_batch", default=None)


def _lock_head() -> tuple[int, str]:
    """Lock the chain's head for the rest of the transaction and return its (seq, hash)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_ID])
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)


def _chained_event(
    *,
    prev_seq: int,
    prev_hash: str,
    actor: Person | None,
    verb: str,
    target_type: str,
    target_id: str,
    target_label: str,
    data: dict[str, Any] | None,
) -> AuditEvent:
    """The next event of the chain (not yet saved), hashed exactly as `audit_verify` checks it."""
    occurred_at = timezone.now()
    link = ChainLink(
        seq=prev_seq + 1,
        occurred_at=_iso(occurred_at),
        actor=_actor_label(actor),
        verb=verb,
        target_type=target_type,
        target_id=str(target_id),
        data=_jsonable(data or {}),
        prev_hash=prev_hash,
    )
    return AuditEvent(
        seq=link.seq,
        occurred_at=occurred_at,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=link.actor,
        verb=verb,
        target_type=target_type,
        target_id=link.target_id,
        target_label=target_label,
        data=link.data,
        prev_hash=prev_hash,
        hash=compute_hash(link),
    )


def audit_record(
    *,
    actor: Person | None,
    verb: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the hash-chained audit log, inside the caller's transaction.

    Inside `audit_batched()` the event is chained at once but written with the others when the block ends
    (it has no primary key until then)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:300]

    def next_event(prev_seq: int, prev_hash: str) -> AuditEvent:
        return _chained_event(
            prev_seq=prev_seq,
            prev_hash=prev_hash,
            actor=actor,
            verb=verb,
            target_type=target_type,
            target_id=str(target_id),
            target_label=target_label,
            data=data,
        )

    batch = _audit_batch.get()
    if batch is not None:
        event = next_event(batch.seq, batch.hash)
        batch.events.append(event)
        batch.seq, batch.hash = event.seq, event.hash
        return event
    with transaction.atomic():
        event = next_event(*_lock_head())
        event.save(force_insert=True)
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": event.seq, "hash": event.hash})
    return event


@contextmanager
def audit_batched() -> Iterator[None]:
    """Record many audit events in a handful of queries: for bulk operator jobs such as loading the demo place.

    The block runs in one transaction holding the chain's lock; each event is chained in memory as it is recorded
    (so the rows and hashes are exactly those of recording them one by one) and all are written when the block ends.
    Nothing inside the block may read the audit log back. Nested blocks join the outer one."""
    if _audit_batch.get() is not None:
        yield
        return
    with transaction.atomic():
        prev_seq, prev_hash = _lock_head()
        batch = _AuditBatch(seq=prev_seq, hash=prev_hash)
        token = _audit_batch.set(batch)
        try:
            yield
        finally:
            _audit_batch.reset(token)
        if batch.events:
            AuditEvent.objects.bulk_create(batch.events, batch_size=500)
            AuditHead.objects.update_or_create(pk=1, defaults={"seq": batch.seq, "hash": batch.hash})


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through the canonical encoder so what is hashed is exactly what is stored."""
    return json.loads(canonical(data))


def _links() -> Iterator[ChainLink]:
    for e in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield ChainLink(
            seq=e.seq,
            occurred_at=_iso(e.occurred_at),
            actor=e.actor_label,
            verb=e.verb,
            target_type=e.target_type,
            target_id=e.target_id,
            data=e.data,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


class _Tally:
    """Counts the links that pass by and remembers the last one."""

    def __init__(self, links: Iterable[ChainLink]):
        self.links = links
        self.count = 0
        self.last: ChainLink | None = None

    def __iter__(self) -> Iterator[ChainLink]:
        for link in self.links:
            self.count += 1
            self.last = link
            yield link


def audit_verify() -> tuple[int, ChainProblem | None]:
    """Check the whole chain. Returns (number of events, first problem or None)."""
    tally = _Tally(_links())
    problem = verify(tally)
    if problem:
        return tally.count, problem
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    last_seq, last_hash = (tally.last.seq, tally.last.hash) if tally.last else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (last_seq, last_hash):
        return tally.count, ChainProblem(
            last_seq + 1 if head_seq > last_seq else last_seq,
            f"the log ends at event #{last_seq} but the recorded head is event #{head_seq}: "
            "events were removed from the end or the head was altered",
        )
    return tally.count, None


_muted: ContextVar[bool] = ContextVar("trellis_notifications_muted", default=False)


@contextmanager
def notifications_muted() -> Iterator[None]:
    """Send no notifications inside this block (bulk operator jobs such as loading the demo place)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(
    *,
    recipients: Iterable[Person],
    subject: str,
    body: str,
    url: str = "",
    email: bool = True,
) -> None:
    """Put a message in each recipient's inbox (and e-mail it) once the transaction commits."""
    if _muted.get():
        return
    people = [p for p in recipients if p is not None and p.is_active]

    def deliver() -> None:
        from trellis.core.tasks import send_notification_email

        created = Notification.objects.bulk_create(
            [Notification(recipient=p, subject=subject[:200], body=body, url=url) for p in people]
        )
        if email:
            for n in created:
                send_notification_email(n.pk)

    transaction.on_commit(deliver)


def notification_mark_read(*, actor: Person, notification_ids: Iterable[int]) -> int:
    """Mark the actor's own notifications as read; other people's are silently not touched."""
    return Notification.objects.filter(recipient=actor, pk__in=list(notification_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )
