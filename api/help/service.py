"""The help centre's rules: articles and search for anyone (they are public documentation),
feedback and tour progress for the signed-in person, support requests by a person and read
back by that person only (anyone else, another workspace included: 404)."""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import NotFound
from api.core.models import utcnow
from api.core.request_context import current_request_id
from api.core.settings import Settings
from api.help import messages, repository
from api.help.knowledge import Article, KnowledgeBase, knowledge_base
from api.help.search import Hit, SearchIndex
from api.help.tours import TOURS, TOURS_BY_ID, Tour
from api.mail import service as mail
from api.models.help import HelpArticleFeedback, HelpTourProgress, SupportRequest
from api.rate_limits import service as rate_limits
from api.rate_limits.service import Limit

# Unambiguous letters and digits for a reference read over the phone (no 0/O, 1/I/L).
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SUPPORT_REQUESTS_PER_HOUR = 10


class ArticleNotFound(NotFound):
    code = "help-article-not-found"
    title = "Article d'aide introuvable"


class TourNotFound(NotFound):
    code = "help-tour-not-found"
    title = "Visite guidée introuvable"


class SupportRequestNotFound(NotFound):
    code = "support-request-not-found"
    title = "Demande de support introuvable"


@functools.cache
def search_index() -> SearchIndex:
    """Built once per process from the shipped articles (see api.help.search)."""
    return SearchIndex(knowledge_base().articles)


def articles() -> KnowledgeBase:
    return knowledge_base()


def article(slug: str) -> Article:
    found = knowledge_base().get(slug)
    if found is None:
        raise ArticleNotFound()
    return found


def related(found: Article) -> list[Article]:
    base = knowledge_base()
    return [base.by_slug[slug] for slug in found.related]


def articles_for(screen: str | None) -> list[Article]:
    base = knowledge_base()
    if not screen:
        return sorted(base.articles, key=lambda item: (item.category, item.title))
    return base.for_screen(screen)


def tours_for(screen: str | None) -> list[Tour]:
    from api.help.knowledge import screen_specificity

    if not screen:
        return list(TOURS)
    return [tour for tour in TOURS if any(screen_specificity(s, screen) >= 0 for s in tour.screens)]


def search(question: str, limit: int) -> list[Hit]:
    return search_index().search(question, limit)


# ---- feedback
async def my_feedback(
    session: AsyncSession, principal: Principal, slug: str
) -> HelpArticleFeedback | None:
    article(slug)
    assert principal.user_id is not None
    return await repository.feedback_of(session, principal.user_id, slug)


async def give_feedback(
    session: AsyncSession, principal: Principal, slug: str, *, helpful: bool, comment: str
) -> HelpArticleFeedback:
    article(slug)
    assert principal.user_id is not None
    feedback = await repository.feedback_of(session, principal.user_id, slug)
    if feedback is None:
        feedback = HelpArticleFeedback(
            id=uuid.uuid4(), user_id=principal.user_id, article_slug=slug, helpful=helpful
        )
        session.add(feedback)
    feedback.helpful = helpful
    feedback.comment = comment.strip()
    feedback.updated_at = utcnow()
    await session.flush()
    return feedback


# ---- tours
async def tour_progress(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[HelpTourProgress], str | None]:
    assert principal.user_id is not None
    return await repository.tour_progress_of(session, principal.user_id, limit, cursor)


async def save_tour_progress(
    session: AsyncSession, principal: Principal, tour_id: str, *, step: int, completed: bool
) -> HelpTourProgress:
    tour = TOURS_BY_ID.get(tour_id)
    if tour is None:
        raise TourNotFound()
    assert principal.user_id is not None
    progress = await repository.one_tour_progress(session, principal.user_id, tour_id)
    if progress is None:
        progress = HelpTourProgress(id=uuid.uuid4(), user_id=principal.user_id, tour_id=tour_id)
        session.add(progress)
    progress.step = min(step, len(tour.steps) - 1)
    now = utcnow()
    if completed:
        progress.completed_at = progress.completed_at or now
    progress.updated_at = now
    await session.flush()
    return progress


# ---- support
def _reference() -> str:
    return "AS-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


async def create_support_request(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    *,
    subject: str,
    message: str,
    screen: str,
    request_id: str,
    email: str | None,
) -> SupportRequest:
    """Stored, audited, mailed to the support address with its context, acknowledged to the
    user; both mails leave through the outbox once this transaction commits."""
    assert actor.principal.user_id is not None
    await rate_limits.enforce(
        session,
        Limit("support-request", SUPPORT_REQUESTS_PER_HOUR, 3600),
        str(actor.principal.user_id),
        "Vous avez envoyé beaucoup de demandes : réessayez plus tard ou écrivez-nous.",
    )
    user = await repository.user(session, actor.principal.user_id)
    if user is None:  # the session outlived its user: nothing to answer to
        raise SupportRequestNotFound()
    workspace = (
        await repository.workspace(session, actor.principal.workspace_id)
        if actor.principal.workspace_id is not None
        else None
    )
    request = SupportRequest(
        id=uuid.uuid4(),
        reference=_reference(),
        workspace_id=actor.principal.workspace_id,
        user_id=user.id,
        email=(email or user.email).lower(),
        subject=subject.strip(),
        message=message.strip(),
        screen=screen.strip(),
        request_id=request_id.strip() or (current_request_id() or ""),
        user_agent=actor.origin.user_agent or "",
        created_at=utcnow(),
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        "support.request_created",
        actor=actor,
        workspace_id=actor.principal.workspace_id,
        target_type="support_request",
        target_id=request.id,
        data={"reference": request.reference, "subject": request.subject, "screen": screen},
    )
    await mail.queue(
        session,
        messages.support_request_mail(
            to=settings.support_email,
            request=request,
            user_name=user.display_name,
            workspace_name=workspace.name if workspace else None,
        ),
        dedupe_key=f"support-request:{request.id}",
    )
    await mail.queue(
        session,
        messages.acknowledgement_mail(
            request=request,
            first_name=user.first_name,
            response_time=settings.support_response_time,
            support_email=settings.support_email,
        ),
        dedupe_key=f"support-acknowledgement:{request.id}",
    )
    return request


async def my_support_requests(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[SupportRequest], str | None]:
    assert principal.user_id is not None
    return await repository.support_requests_of_user(
        session, principal.user_id, principal.workspace_id, limit, cursor
    )


async def my_support_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID
) -> SupportRequest:
    assert principal.user_id is not None
    found = await repository.support_request_of_user(
        session, principal.user_id, principal.workspace_id, request_id
    )
    if found is None:
        raise SupportRequestNotFound()
    return found


async def latest_support_requests(
    session: AsyncSession, limit: int
) -> Sequence[tuple[SupportRequest, str | None]]:
    return await repository.latest_support_requests(session, limit)
