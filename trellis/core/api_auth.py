"""Bearer-token authentication for the API and the RFC 7807 error mapping."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from ninja.security import HttpBearer

from trellis.core.models import ApiToken, Person

TOKEN_PREFIX = "trl_"


def token_create(*, person: Person, name: str) -> str:
    """Create a token and return it; only its hash is stored, so it is shown once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        person=person, name=name, prefix=raw[:12], key_hash=hashlib.sha256(raw.encode()).hexdigest()
    )
    return raw


def person_for_token(raw: str) -> Person | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(key_hash=hashlib.sha256(raw.encode()).hexdigest(), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.person.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.person


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is not None:
            request.user = person
        return person
