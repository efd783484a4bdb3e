"""The shape of a notification. Each app's ``messages.py`` is its catalogue: one function per message, taking the
objects it is about and returning its subject, body and link (text through gettext, links by URL name); services
pass the message to ``core.services.notify`` and never write text or build links themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """One notification: its subject (at most 200 characters are kept), its body and the path it links to."""

    subject: str
    body: str
    url: str = ""
