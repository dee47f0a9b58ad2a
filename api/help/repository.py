"""SQL of the help centre: article feedback, tour progress, support requests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import Keyset, keyset_page
from api.models.help import HelpArticleFeedback, HelpTourProgress, SupportRequest
from api.models.user import User
from api.models.workspace import Workspace


async def feedback_of(
    session: AsyncSession, user_id: uuid.UUID, slug: str
) -> HelpArticleFeedback | None:
    return await session.scalar(
        select(HelpArticleFeedback).where(
            HelpArticleFeedback.user_id == user_id, HelpArticleFeedback.article_slug == slug
        )
    )


TOUR_PROGRESS_SORT = Keyset("tours,tour_id", (HelpTourProgress.tour_id, HelpTourProgress.id))


async def tour_progress_of(
    session: AsyncSession, user_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[HelpTourProgress], str | None]:
    """One page of the user's tours, by tour id."""
    statement = select(HelpTourProgress).where(HelpTourProgress.user_id == user_id)
    return await keyset_page(session, statement, TOUR_PROGRESS_SORT, limit, cursor)


async def one_tour_progress(
    session: AsyncSession, user_id: uuid.UUID, tour_id: str
) -> HelpTourProgress | None:
    return await session.scalar(
        select(HelpTourProgress).where(
            HelpTourProgress.user_id == user_id, HelpTourProgress.tour_id == tour_id
        )
    )


async def user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def support_request_of_user(
    session: AsyncSession, user_id: uuid.UUID, workspace_id: uuid.UUID | None, request_id: uuid.UUID
) -> SupportRequest | None:
    return await session.scalar(
        select(SupportRequest).where(
            SupportRequest.id == request_id,
            SupportRequest.user_id == user_id,
            SupportRequest.workspace_id == workspace_id
            if workspace_id is not None
            else SupportRequest.workspace_id.is_(None),
        )
    )


SUPPORT_REQUESTS_SORT = Keyset(
    "support-requests,-created_at", (SupportRequest.created_at, SupportRequest.id), descending=True
)


async def support_requests_of_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    workspace_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[SupportRequest], str | None]:
    """One page of the requests the user sent from this workspace, newest first."""
    query = select(SupportRequest).where(SupportRequest.user_id == user_id)
    query = query.where(
        SupportRequest.workspace_id == workspace_id
        if workspace_id is not None
        else SupportRequest.workspace_id.is_(None)
    )
    return await keyset_page(session, query, SUPPORT_REQUESTS_SORT, limit, cursor)


async def latest_support_requests(
    session: AsyncSession, limit: int
) -> Sequence[tuple[SupportRequest, str | None]]:
    """The newest requests for the operator, with the name of the workspace they came from."""
    rows = await session.execute(
        select(SupportRequest, Workspace.name)
        .outerjoin(Workspace, Workspace.id == SupportRequest.workspace_id)
        .order_by(SupportRequest.created_at.desc(), SupportRequest.id)
        .limit(limit)
    )
    return [(request, name) for request, name in rows.tuples()]
