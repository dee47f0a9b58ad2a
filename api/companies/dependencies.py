"""FastAPI dependency giving routers the configured company registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.adapters.company_registry import CompanyRegistry, build_company_registry


def get_company_registry(request: Request) -> CompanyRegistry:
    """The registry chosen by `COMPTOIR_COMPANY_REGISTRY`, built once per app (it holds the
    HTTP connection pool) and reading/writing through the app's own sessions."""
    state = request.app.state
    registry: CompanyRegistry | None = getattr(state, "company_registry", None)
    if registry is None:
        # Side reads on their own sessions: never the writer's lock the request may hold.
        sessionmaker = getattr(state, "reader_sessionmaker", state.sessionmaker)
        registry = build_company_registry(state.settings, sessionmaker)
        state.company_registry = registry
    return registry


CompanyRegistryDep = Annotated[CompanyRegistry, Depends(get_company_registry)]
