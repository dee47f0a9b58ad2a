"""FastAPI dependency giving routers the acceptance handlers the app composed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.core.state import request_state
from api.enrollments.service import AcceptanceHandlers


def acceptance_handlers(request: Request) -> AcceptanceHandlers:
    """What the domains do when a person is accepted (`api/acceptance.py`, set by create_app)."""
    handlers = request_state(request).get(AcceptanceHandlers)
    if handlers is None:
        raise RuntimeError("create_app composes the acceptance handlers (api/acceptance.py)")
    return handlers


Acceptances = Annotated[AcceptanceHandlers, Depends(acceptance_handlers)]
