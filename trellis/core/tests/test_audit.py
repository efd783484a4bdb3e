"""The audit log: hash chain, append-only, and `trellis audit verify`."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from trellis.core.domain.audit_chain import GENESIS_HASH, ChainLink, ChainProblem, compute_hash, verify
from trellis.core.models import AuditEvent
from trellis.core.services import audit_record, audit_verify


def _links(n):
    prev, out = GENESIS_HASH, []
    for i in range(1, n + 1):
        link = ChainLink(i, f"2026-01-0{i}T00:00:00+00:00", "system", "x.done", "t", str(i), {"i": i}, prev)
        link = ChainLink(**{**link.__dict__, "hash": compute_hash(link)})
        out.append(link)
        prev = link.hash
    return out


def test_intact_chain_verifies():
    assert verify(_links(5)) is None


def test_altered_content_is_named():
    links = _links(5)
    links[2] = ChainLink(**{**links[2].__dict__, "data": {"i": 99}})
    problem = verify(links)
    assert problem.seq == 3 and "altered" in problem.reason


def test_removed_event_is_detected():
    links = _links(5)
    del links[1]
    assert verify(links).seq == 3


def test_reordered_events_are_detected():
    links = _links(5)
    links[1], links[2] = links[2], links[1]
    # Event #3 now stands where #2 belongs: it is the one named.
    assert verify(links) == ChainProblem(3, "expected event #2 here: an event was removed or reordered")


def test_an_event_moved_back_or_repeated_is_named():
    links = _links(5)
    links[3] = links[1]  # event #2 again where #4 belongs
    assert verify(links) == ChainProblem(2, "expected event #4 here: an event was reordered or duplicated")


def test_renumbered_events_break_the_link_to_the_one_before():
    """Swapping two events and giving each the other's number keeps the numbers in order, not the links."""
    links = _links(5)
    second, third = links[1], links[2]
    links[1] = ChainLink(**{**third.__dict__, "seq": 2})
    links[2] = ChainLink(**{**second.__dict__, "seq": 3})
    problem = verify(links)
    assert problem is not None and problem.seq == 2
    assert problem.reason.startswith("its link to the previous event is broken")


def test_hash_is_deterministic_and_covers_every_field():
    base = _links(1)[0]
    for field, value in [
        ("verb", "y"),
        ("actor", "person:1"),
        ("target_id", "9"),
        ("prev_hash", "1" * 64),
        ("occurred_at", "2027-01-01T00:00:00+00:00"),
    ]:
        assert compute_hash(ChainLink(**{**base.__dict__, field: value})) != base.hash


@pytest.mark.django_db
def test_recorded_events_form_a_chain(commissioner, charity):
    before = AuditEvent.objects.count()
    e1 = audit_record(actor=commissioner, verb="thing.done", target=charity, data={"a": 1})
    e2 = audit_record(actor=None, verb="thing.again", target_type="x", target_id="1")
    assert e2.prev_hash == e1.hash and e2.seq == e1.seq + 1
    assert AuditEvent.objects.count() == before + 2
    assert e1.actor_label == f"person:{commissioner.pk}" and e2.actor_label == "system"
    assert audit_verify()[1] is None


@pytest.mark.django_db
def test_orm_refuses_to_update_or_delete():
    audit_record(actor=None, verb="a", target_type="x", target_id="1")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(verb="b")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_to_update_or_delete():
    audit_record(actor=None, verb="a", target_type="x", target_id="1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE core_auditevent SET verb = 'b'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.get().verb == "a"


def _drop_guards():
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            # A superuser session that skips triggers (the test transaction ends it).
            c.execute("SET LOCAL session_replication_role = replica")
        else:
            c.execute("DROP TRIGGER core_auditevent_no_update")
            c.execute("DROP TRIGGER core_auditevent_no_delete")


@pytest.mark.django_db
def test_verify_command_passes_then_names_a_tampered_event(capsys):
    for i in range(4):
        audit_record(actor=None, verb="step", target_type="x", target_id=str(i), data={"n": i})
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    _drop_guards()  # an attacker with database access; the test transaction restores it
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as c:
        c.execute("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 999}', target.pk])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"event #{target.seq}" in str(exc.value) and exc.value.returncode == 1


@pytest.mark.django_db
def test_verify_detects_deleted_and_truncated_events():
    for i in range(4):
        audit_record(actor=None, verb="step", target_type="x", target_id=str(i))
    _drop_guards()
    events = list(AuditEvent.objects.order_by("seq"))
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    # The head still names the removed last event, so the event after the new end is named.
    assert audit_verify()[1] == ChainProblem(
        events[-1].seq,
        f"the log ends at event #{events[-2].seq} but the recorded head is event #{events[-1].seq}: "
        "events were removed from the end or the head was altered",
    )
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    problem = audit_verify()[1]
    assert problem.seq == events[2].seq
