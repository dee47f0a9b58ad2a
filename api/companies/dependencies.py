"""FastAPI dependency giving routers the configured company registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.adapters.company_registry import CompanyRegistry, build_company_registry
from api.core.state import request_state


def get_company_registry(request: Request) -> CompanyRegistry:
    """The registry chosen by `COMPTOIR_COMPANY_REGISTRY`, built once per app (it holds the
    HTTP connection pool) and reading/writing through the app's own sessions."""
    state = request_state(request)

    def build() -> CompanyRegistry:
        # Side reads on their own sessions: never the writer's lock the request may hold.
        registry = build_company_registry(state.settings, state.db.side_reader_sessions)
        state.close_at_shutdown(registry)
        return registry

    return state.once(CompanyRegistry, build)


CompanyRegistryDep = Annotated[CompanyRegistry, Depends(get_company_registry)]
