"""Who may do what with opportunities. Views, templates, the API and services all ask these.

- The council's commissioners and procurement officers create, edit and move opportunities through their
  lifecycle (``domain.lifecycle.TRANSITIONS`` says which move each may make); approval needs a second person.
- Platform admins run the platform: they may read drafts but do not make commissioning decisions.
- Everyone, signed in or not, may read an opportunity once it is published (and after it closes).
- Members and admins of a provider organisation may ask clarification questions while it is open.
- Anyone signed in may subscribe to alerts.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES, Role
from trellis.core.errors import InvalidTransition
from trellis.core.permissions import Decision, allow, deny
from trellis.opportunities.domain import lifecycle
from trellis.opportunities.domain.lifecycle import EDITABLE_STATUSES, PUBLIC_STATUSES, Action, Status

SIGN_IN = "Sign in to do this."
OFFICER_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})
OFFICERS_ONLY = "Only the council's commissioners and procurement officers can do this."


def _signed_in(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def is_officer(actor) -> bool:
    return _signed_in(actor) and roles.has_role(actor, OFFICER_ROLES)


def lifecycle_roles(actor) -> set[str]:
    """The roles the lifecycle table knows that ``actor`` holds (commissioner, procurement officer)."""
    if not _signed_in(actor):
        return set()
    return {r.value for r in roles.roles_held(actor) if r in OFFICER_ROLES}


def can_create_opportunity(actor, place=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_officer(actor):
        return allow("Commissioners and procurement officers create opportunities.")
    return deny(OFFICERS_ONLY)


def can_edit_opportunity(actor, opportunity=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not is_officer(actor):
        return deny(OFFICERS_ONLY)
    if opportunity is not None and opportunity.status not in EDITABLE_STATUSES:
        return deny(
            f"This opportunity is {Status(opportunity.status).label.lower()}: its content can no longer be changed."
        )
    return allow("Commissioners and procurement officers edit opportunities until they are published.")


def can_transition(actor, opportunity, action: str, *, award_approved: bool = False) -> Decision:
    """May ``actor`` make the move ``action``? Checks the table and who may make it; the guards that depend on
    the content (weights, dates, the deadline) are checked by the service. An award is made only with an approved
    evaluation decision (``award_approved``, given by the evaluation service that approved it)."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    try:
        transition = lifecycle.transition_for(opportunity.status, action)
    except InvalidTransition as exc:
        return deny(exc.message)
    if not transition.who & {lifecycle.Who(r) for r in lifecycle_roles(actor)}:
        return deny(OFFICERS_ONLY)
    if (
        lifecycle.Guard.NOT_THE_CREATOR in transition.guards
        and opportunity.created_by_id is not None
        and opportunity.created_by_id == actor.pk
    ):
        return deny("Someone other than the person who created this opportunity must approve it.")
    if lifecycle.Guard.AWARD_APPROVED in transition.guards and not award_approved:
        return deny(lifecycle.AWARD_VIA_EVALUATION)
    for guard in transition.guards:
        problem = lifecycle.plan_problem(guard, tuple(opportunity.stages or ()), opportunity.stage_index)
        if problem:
            return deny(problem)
    return allow(f"You may {transition.action.label.lower()} this opportunity.")


def can_approve_opportunity(actor, opportunity) -> Decision:
    return can_transition(actor, opportunity, Action.APPROVE)


def can_publish_opportunity(actor, opportunity) -> Decision:
    return can_transition(actor, opportunity, Action.PUBLISH)


def can_cancel_opportunity(actor, opportunity) -> Decision:
    return can_transition(actor, opportunity, Action.CANCEL)


def allowed_actions(actor, opportunity) -> list[Action]:
    """The moves ``actor`` may offer on this opportunity now (content guards are checked on the attempt)."""
    offered = lifecycle.allowed_actions(opportunity.status, lifecycle_roles(actor))
    return [a for a in offered if can_transition(actor, opportunity, a)]


def can_view_opportunity(actor, opportunity) -> Decision:
    if opportunity.status in PUBLIC_STATUSES:
        return allow("Published opportunities are open to everyone.")
    if roles.is_staff_member(actor):
        return allow("The council's people can read drafts.")
    return deny("This opportunity has not been published.")


def can_assess_conflicts(actor, opportunity) -> Decision:
    """Commissioners and procurement officers record the conflicts assessment before the tender notice and review
    it until the award (Procurement Act 2023 s.83), but not once the opportunity is cancelled."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not is_officer(actor):
        return deny(OFFICERS_ONLY)
    if opportunity.status == Status.CANCELLED:
        return deny("This opportunity is cancelled: there is nothing left to assess.")
    return allow()


def can_view_staff_side(actor, opportunity=None) -> Decision:
    """Drafts, every question with who asked it, the history: the council's side."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.is_staff_member(actor):
        return allow("The council's people manage opportunities.")
    return deny("Only the council's commissioners, procurement officers and platform admins can see this.")


def can_ask_question(actor, opportunity, organisation=None, *, now: datetime | None = None) -> Decision:
    """Providers ask privately, through an organisation they belong to, while questions are open."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if organisation is not None:
        if not roles.has_role(actor, PROVIDER_ROLES, organisation.pk):
            return deny("You can only ask questions for an organisation you are a member of.")
    elif not roles.has_role(actor, PROVIDER_ROLES):
        return deny("Only members of a provider organisation can ask questions.")
    if not lifecycle.clarifications_open(opportunity.status):
        return deny("Questions can only be asked while the opportunity is open.")
    now = now or timezone.now()
    deadline = opportunity.questions_close_at or opportunity.closes_at
    if deadline is not None and now >= deadline:
        local = timezone.localtime(deadline)
        return deny(f"Questions closed at {local:%-I:%M%p on %-d %B %Y}.".replace("AM", "am").replace("PM", "pm"))
    return allow("Ask a question: the answer will be published without saying who asked.")


def can_answer_question(actor, clarification=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_officer(actor):
        return allow("Commissioners and procurement officers answer questions.")
    return deny(OFFICERS_ONLY)


def can_subscribe(actor, obj=None) -> Decision:
    if not _signed_in(actor):
        return deny("Sign in to get alerts about new opportunities.")
    return allow("Anyone signed in can get alerts.")
