"""Middleware: security headers on every response, and the web edge that turns domain errors into pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from trellis.core.errors import TrellisError
from trellis.core.views import pages


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and a Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/") and not request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class TrellisErrorMiddleware:
    """A ``TrellisError`` a view does not handle itself becomes the page for its HTTP status (the ``status`` each
    error class carries, the same table the API's problem documents use): a refusal is the 403 page with its
    reason, a missing object the 404 page, anything else the bad-request page with its message and its own
    status. Views show the errors a person can put right beside the fields they are about; they never catch a
    refusal just to raise it again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TrellisError):
            return None
        return pages.error_page(request, exception)
