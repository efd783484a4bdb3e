"""Core reads."""

from __future__ import annotations

from django.db.models import QuerySet

from trellis.core.models import AuditEvent, Notification, Person


def notifications_for(*, actor: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor)


def unread_count(*, actor: Person) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def audit_events_for(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id)).select_related("actor")
