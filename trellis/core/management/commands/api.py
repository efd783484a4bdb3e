"""trellis api token create|list|revoke — personal API tokens, for platform operators.

  trellis api token create sandra@example.org --name "Pantry booking system"
  trellis api token list
  trellis api token revoke trl_AbCdEfGh

A token is printed once, when it is created: only its hash is stored. Creating and revoking
tokens are recorded in the audit log.
"""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from trellis.core.api_auth import token_create
from trellis.core.models import ApiToken, Person
from trellis.core.services import audit_record


class Command(BaseCommand):
    help = "API tokens: create one for a person (printed once), list them, or revoke one by its prefix."

    def add_arguments(self, parser):
        things = parser.add_subparsers(dest="thing", required=True, metavar="token")
        token = things.add_parser("token", help="personal API tokens")
        actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token for a person and print it once")
        create.add_argument("email", help="the e-mail address the person signs in with")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'Booking system'")
        actions.add_parser("list", help="list tokens: prefix, name, person, created, last used, status")
        revoke = actions.add_parser("revoke", help="revoke a token by the prefix shown in the list")
        revoke.add_argument("prefix", help="the token's first 12 characters, e.g. trl_AbCdEfGh")

    def handle(self, *args, thing: str, action: str, **options):
        if action == "create":
            self._create(options["email"], options["name"])
        elif action == "list":
            self._list()
        else:
            self._revoke(options["prefix"])

    def _create(self, email: str, name: str) -> None:
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name with --name, saying what it is for.")
        if len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError("The token's name is too long: use at most 100 characters.")
        person = Person.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"No one signs in as {email!r}. Check the e-mail address.")
        if not person.is_active:
            raise CommandError(f"{person.email} is deactivated: a token for them would not work.")
        with transaction.atomic():
            raw = token_create(person=person, name=name)
            token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
            audit_record(
                actor=None,
                verb="api_token.created",
                target=token,
                data={"person": person.email, "name": name, "prefix": token.prefix},
            )
        self.stdout.write(f"Token for {person.email} ({name}):\n\n    {raw}\n")
        self.stdout.write("Copy it now: it will not be shown again. Send it as 'Authorization: Bearer <token>'.")

    def _list(self) -> None:
        tokens = ApiToken.objects.select_related("person").order_by("person__email", "created_at")
        if not tokens:
            self.stdout.write("No API tokens.")
            return
        rows = [("PREFIX", "NAME", "PERSON", "CREATED", "LAST USED", "STATUS")]
        for t in tokens:
            rows.append(
                (
                    t.prefix,
                    t.name,
                    t.person.email,
                    _when(t.created_at),
                    _when(t.last_used_at) or "never",
                    f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.strip()[:12]
        with transaction.atomic():
            matches = list(ApiToken.objects.select_for_update().select_related("person").filter(prefix=prefix))
            active = [t for t in matches if t.revoked_at is None]
            if not matches:
                raise CommandError(f"No token starts with {prefix!r}. 'trellis api token list' shows them.")
            if not active:
                raise CommandError(f"The token {prefix}… is already revoked.")
            if len(active) > 1:
                raise CommandError(f"More than one active token starts with {prefix!r}; none was revoked.")
            token = active[0]
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=None,
                verb="api_token.revoked",
                target=token,
                data={"person": token.person.email, "name": token.name, "prefix": token.prefix},
            )
        self.stdout.write(f"Revoked {token.prefix}… ({token.name}) of {token.person.email}. It no longer works.")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
