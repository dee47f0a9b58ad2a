from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from api.api_keys import service
from api.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, ApiKeyPage
from api.auth.dependencies import acting
from api.core.actor import Actor
from api.core.authz import Permission
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit

router = APIRouter(prefix="/api-keys", tags=["api_keys"])

ExtensionsManager = Annotated[Actor, Depends(acting(Permission.EXTENSIONS_MANAGE))]


@router.get("", response_model=ApiKeyPage, responses=problem_responses(401, 404, 422))
async def list_api_keys(
    session: DbSession,
    actor: ExtensionsManager,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> ApiKeyPage:
    """The workspace's API keys (without their secrets), newest first."""
    keys, next_cursor = await service.list_keys(session, actor.principal, limit, cursor)
    return ApiKeyPage.of(keys, next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=problem_responses(401, 404, 422),
)
async def create_api_key(
    body: ApiKeyCreate, session: DbSession, actor: ExtensionsManager
) -> ApiKeyCreated:
    """Mint a scoped key; its secret is in this response only."""
    minted = await service.mint(
        session,
        actor,
        name=body.name,
        scopes=frozenset(body.scopes),
        expires_at=body.expires_at,
    )
    shown = ApiKeyOut.model_validate(minted.key)
    return ApiKeyCreated(**shown.model_dump(), secret=minted.secret)


@router.delete("/{key_id}", response_model=ApiKeyOut, responses=problem_responses(401, 404))
async def revoke_api_key(
    key_id: uuid.UUID, session: DbSession, actor: ExtensionsManager
) -> ApiKeyOut:
    """Revoke a key: its next call gets a 401."""
    return ApiKeyOut.model_validate(await service.revoke(session, actor, key_id))
