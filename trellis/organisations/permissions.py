"""Who may do what in the directory. Views, templates, the API and services all ask these."""

from __future__ import annotations

from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES, Role
from trellis.core.permissions import Decision, allow, deny

SIGN_IN = "Sign in to do this."


def _signed_in(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def is_member_of(actor, organisation) -> bool:
    return roles.has_role(actor, PROVIDER_ROLES, organisation.pk)


def is_admin_of(actor, organisation) -> bool:
    if roles.has_role(actor, Role.PROVIDER_ADMIN, organisation.pk):
        return True
    consortium = getattr(organisation, "consortium", None) if organisation.is_consortium else None
    return bool(consortium and roles.has_role(actor, Role.PROVIDER_ADMIN, consortium.lead_id))


def can_view_organisation(actor, organisation) -> Decision:
    if organisation.is_active or roles.is_staff_member(actor) or is_member_of(actor, organisation):
        return allow("The directory is public.")
    return deny("This organisation is no longer listed.")


def can_view_private_details(actor, organisation) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_member_of(actor, organisation) or is_admin_of(actor, organisation):
        return allow("You belong to this organisation.")
    if roles.is_staff_member(actor):
        return allow("Commissioners can see contact details and evidence.")
    return deny("Only the organisation itself and commissioners can see this.")


def can_edit_organisation(actor, organisation) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_admin_of(actor, organisation):
        return allow("You are an admin of this organisation.")
    if roles.is_platform_admin(actor):
        return allow("Platform admins can correct any record.")
    return deny("Only the organisation's own admins can edit its profile.")


def can_upload_evidence(actor, organisation) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_admin_of(actor, organisation):
        return allow("You are an admin of this organisation.")
    return deny("Only the organisation's own admins can upload its evidence.")


def can_view_evidence(actor, organisation) -> Decision:
    return can_view_private_details(actor, organisation)


def can_verify_evidence(actor, document) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not (roles.has_role(actor, Role.COMMISSIONER) or roles.is_platform_admin(actor)):
        return deny("Only commissioners can verify evidence.")
    if is_member_of(actor, document.organisation):
        return deny("You cannot verify evidence of an organisation you belong to.")
    return allow("Commissioners verify accreditation evidence.")


def can_use_verification_queue(actor) -> Decision:
    """Open the queue of evidence awaiting verification (each document: can_verify_evidence)."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.has_role(actor, Role.COMMISSIONER) or roles.is_platform_admin(actor):
        return allow("Commissioners verify accreditation evidence.")
    return deny("Only commissioners can verify evidence.")


def can_manage_directory(actor) -> Decision:
    """Add organisations and import supplier lists."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.has_role(actor, [Role.COMMISSIONER, Role.PROCUREMENT_OFFICER]) or roles.is_platform_admin(actor):
        return allow("Commissioners and procurement officers maintain the directory.")
    return deny("Only commissioners and procurement officers can add or import organisations.")


def can_export_private_columns(actor) -> Decision:
    if roles.is_staff_member(actor):
        return allow("Commissioners can export contact details.")
    return deny("Exports for the public hold public details only.")


def can_act_for(actor, organisation) -> Decision:
    """Post partner requests, express interest, propose consortia on the organisation's behalf."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_member_of(actor, organisation) or is_admin_of(actor, organisation):
        return allow("You belong to this organisation.")
    return deny("You can only act for an organisation you belong to.")


def can_create_consortium(actor, lead) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_admin_of(actor, lead) or roles.is_platform_admin(actor):
        return allow("You are an admin of the lead organisation.")
    return deny("Only an admin of the lead organisation can set up a consortium.")


def can_express_interest(actor, partner_request, organisation) -> Decision:
    decision = can_act_for(actor, organisation)
    if not decision:
        return decision
    if partner_request.organisation_id == organisation.pk:
        return deny("This is your own organisation's request.")
    if not partner_request.is_open:
        return deny("This request is closed.")
    return allow("You can reply for your organisation.")
