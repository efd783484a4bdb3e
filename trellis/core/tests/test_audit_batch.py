"""Bulk audit recording (`audit_batched`): the same rows and the same verifiable chain as one event at a time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from trellis.core.models import AuditEvent, AuditHead
from trellis.core.services import audit_batched, audit_record, audit_verify

pytestmark = pytest.mark.django_db

COLUMNS = ("seq", "occurred_at", "actor_id", "actor_label", "verb", "target_type", "target_id", "data", "prev_hash")


@pytest.fixture
def clock(monkeypatch):
    """Each call to timezone.now() in the audit service returns the next second after 1 March 2026 09:00 UTC, so two
    recordings of the same events can be compared row for row."""

    def start():
        moments = (datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(seconds=i) for i in range(1000))
        monkeypatch.setattr("trellis.core.services.timezone.now", lambda: next(moments))

    return start


def _record_story(person) -> None:
    audit_record(actor=person, verb="organisation.updated", target_type="organisation", target_id="7", data={"a": 1})
    audit_record(actor=None, verb="evidence.uploaded", target_type="evidence", target_id="12", data={"kind": "policy"})
    audit_record(actor=person, verb="evidence.reviewed", target_type="evidence", target_id="12", target_label="Policy")


def _rows() -> list[tuple]:
    return list(AuditEvent.objects.order_by("seq").values_list(*COLUMNS, "hash"))


def test_a_batch_writes_exactly_the_rows_recorded_one_at_a_time(clock, commissioner):
    audit_record(actor=None, verb="place.created", target_type="place", target_id="1")  # the chain already has a head
    with transaction.atomic():
        clock()
        _record_story(commissioner)
        one_at_a_time = _rows()
        transaction.set_rollback(True)
    clock()
    with audit_batched():
        _record_story(commissioner)
    assert _rows() == one_at_a_time
    assert [row[4] for row in one_at_a_time[1:]] == ["organisation.updated", "evidence.uploaded", "evidence.reviewed"]
    assert audit_verify() == (4, None)
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (4, one_at_a_time[-1][-1])


def test_events_are_written_only_when_the_batch_ends(commissioner):
    with audit_batched():
        event = audit_record(actor=commissioner, verb="x.done", target_type="t", target_id="1")
        assert event.pk is None and event.seq == 1
        assert not AuditEvent.objects.exists()
    assert AuditEvent.objects.get().hash == event.hash


def test_a_nested_batch_joins_the_outer_one(commissioner):
    with audit_batched():
        audit_record(actor=commissioner, verb="outer.first", target_type="t", target_id="1")
        with audit_batched():
            audit_record(actor=commissioner, verb="inner", target_type="t", target_id="2")
        assert not AuditEvent.objects.exists()  # the inner block's end wrote nothing
        audit_record(actor=commissioner, verb="outer.last", target_type="t", target_id="3")
    assert list(AuditEvent.objects.values_list("seq", "verb")) == [(1, "outer.first"), (2, "inner"), (3, "outer.last")]
    assert audit_verify() == (3, None)


def test_a_failing_batch_records_nothing(commissioner):
    audit_record(actor=None, verb="before", target_type="t", target_id="0")
    with pytest.raises(RuntimeError, match="load failed"), audit_batched():
        audit_record(actor=commissioner, verb="lost", target_type="t", target_id="1")
        raise RuntimeError("load failed")
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["before"]
    assert AuditHead.objects.get(pk=1).seq == 1
    audit_record(actor=None, verb="after", target_type="t", target_id="2")
    assert audit_verify() == (2, None)
