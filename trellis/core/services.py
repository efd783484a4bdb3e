"""Core use cases: recording audit events and sending notifications."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
from trellis.core.messages import Message
from trellis.core.models import AuditEvent, AuditHead, Notification, Person

# Any constant will do: it names the lock that serialises appends to the chain on PostgreSQL.
_AUDIT_LOCK_ID = 7_405_221


def _actor_label(actor: Person | None) -> str:
    return f"person:{actor.pk}" if actor is not None and actor.pk else "system"


def _iso(dt) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


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
    """Append one event to the hash-chained audit log, inside the caller's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:300]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_ID])
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
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
        digest = compute_hash(link)
        event = AuditEvent.objects.create(
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
            hash=digest,
        )
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": link.seq, "hash": digest})
    return event


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


def notify(*, recipients: Iterable[Person], message: Message, email: bool = True) -> None:
    """Put a message (from an app's catalogue, ``<app>/messages.py``) in each recipient's inbox (and e-mail it)
    once the transaction commits."""
    if _muted.get():
        return
    people = [p for p in recipients if p is not None and p.is_active]

    def deliver() -> None:
        from trellis.core.tasks import send_notification_email

        created = Notification.objects.bulk_create(
            [
                Notification(recipient=p, subject=message.subject[:200], body=message.body, url=message.url)
                for p in people
            ]
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
