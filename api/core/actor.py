"""The actor of a request: who is calling (the principal) and from where (the origin).

Every write that is audited needs both; they travel together as one object from the router to
the service and into the audit record, instead of two parameters side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.core.authz import Principal
from api.core.request_context import RequestOrigin


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of one request and where the request comes from."""

    principal: Principal
    origin: RequestOrigin
