"""The JSON API, /api/v1/: every app's router on one NinjaAPI, errors as RFC 7807 problems."""

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from trellis.core.errors import TrellisError
from trellis.evaluation.api import router as evaluation_router
from trellis.opportunities.api import router as opportunities_router
from trellis.organisations.api import router as organisations_router
from trellis.organisations.api import vocabulary_router
from trellis.routes.api import router as routes_router

api = NinjaAPI(
    title="Trellis API",
    version="1.0.0",
    description=(
        "Open data about the providers in a place and the commissioning around them. Reading is open; "
        "writing needs a personal token (Authorization: Bearer trl_…), created by a platform admin."
    ),
    urls_namespace="api-v1",
)
logger = logging.getLogger(__name__)

api.add_router("/organisations", organisations_router)
api.add_router("/vocabularies", vocabulary_router)
api.add_router("/routes", routes_router)
api.add_router("/opportunities", opportunities_router)
api.add_router("/evaluation", evaluation_router)


def _problem(request, status: int, title: str, code: str, **extra):
    body = {
        "type": f"https://trellis.example.org/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(TrellisError)
def trellis_error(request, exc: TrellisError):
    problem = exc.as_problem()
    status = problem.pop("status")
    return _problem(
        request, status, problem.pop("title"), problem.pop("code"), **{k: v for k, v in problem.items() if k != "type"}
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _problem(request, 404, "Not found", "not_found")


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return _problem(request, 401, "A valid API token is needed: send Authorization: Bearer <token>.", "unauthorised")


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = ".".join(str(x) for x in err.get("loc", []) if x not in ("body", "query", "path", "payload", "params"))
        errors.setdefault(loc or "__all__", []).append(err.get("msg", "Invalid value"))
    return _problem(request, 422, "The request is not valid.", "validation_failed", errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _problem(request, exc.status_code, str(exc), "bad_request" if exc.status_code == 400 else "http_error")


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unexpected: logged with its traceback for operators; the client gets a plain problem, no trace."""
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return _problem(request, 500, "Something went wrong on our side. Please try again later.", "server_error")
