"""« Assistance »: the knowledge base and its search are public (the login page has a help
button too); feedback, tour progress and support requests belong to the signed-in person."""

from __future__ import annotations

import functools
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api.auth.dependencies import Person, PersonActor
from api.core.db import DbSession
from api.core.errors import outage_free, problem_responses
from api.core.input import HumanText, MachineText
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit, sequence_page
from api.core.responses import PlainJSONResponse
from api.core.settings import AppSettings
from api.help import service
from api.help.knowledge import Article as ArticleRecord
from api.help.schemas import (
    Article,
    ArticleSummary,
    ArticleSummaryPage,
    FeedbackIn,
    FeedbackOut,
    HelpIndex,
    SearchResults,
    SupportContact,
    SupportRequestIn,
    SupportRequestOut,
    SupportRequestPage,
    TourOut,
    TourProgressIn,
    TourProgressOut,
    TourProgressPage,
    TourStepOut,
)
from api.help.search import Segment
from api.help.tours import Tour

router = APIRouter(prefix="/help", tags=["help"])

Screen = Annotated[
    MachineText | None,
    Query(max_length=300, description="The SPA page address (`/clients/…`): its articles only."),
]


def _summary(article: ArticleRecord) -> ArticleSummary:
    return ArticleSummary(
        slug=article.slug,
        title=article.title,
        category=article.category,
        summary=article.summary,
        screens=list(article.screens),
    )


def _tour(tour: Tour) -> TourOut:
    return TourOut(
        id=tour.id,
        title=tour.title,
        summary=tour.summary,
        screens=list(tour.screens),
        article=tour.article,
        steps=[
            TourStepOut(title=step.title, body=step.body, route=step.route, target=step.target)
            for step in tour.steps
        ],
    )


def _contact(settings: AppSettings) -> SupportContact:
    return SupportContact(
        email=settings.support_email,
        phone=settings.support_phone,
        hours=settings.support_hours,
        response_time=settings.support_response_time,
    )


@router.get("", response_model=HelpIndex, responses=problem_responses(422))
@outage_free
async def help_index(settings: AppSettings, screen: Screen = None) -> HelpIndex:
    """The panel's first view: the articles and tours of this screen, and the contact."""
    return HelpIndex(
        contact=_contact(settings),
        articles=[_summary(article) for article in service.articles_for(screen)],
        tours=[_tour(tour) for tour in service.tours_for(screen)],
        categories=sorted({article.category for article in service.articles().articles}),
    )


@router.get("/articles", response_model=ArticleSummaryPage, responses=problem_responses(422))
@outage_free
async def list_articles(
    limit: PageLimit = DEFAULT_PAGE_SIZE, cursor: PageCursor = None
) -> ArticleSummaryPage:
    """The articles of the knowledge base, by category then title."""
    articles, next_cursor = sequence_page(
        service.articles_for(None), lambda article: article.slug, "articles,category", limit, cursor
    )
    return ArticleSummaryPage(
        items=[_summary(article) for article in articles], next_cursor=next_cursor
    )


@router.get("/articles/{slug}", response_model=Article, responses=problem_responses(404))
@outage_free
async def get_article(slug: MachineText) -> Article:
    """One article, rendered, with its related articles."""
    found = service.article(slug)
    return Article(
        **_summary(found).model_dump(),
        keywords=list(found.keywords),
        html=found.html,
        related=[_summary(article) for article in service.related(found)],
        headings=list(found.headings),
    )


@functools.cache
def _summary_json(slug: str) -> dict[str, Any]:
    """An article's summary as JSON data, made once per process (the articles are shipped)."""
    return _summary(service.article(slug)).model_dump(mode="json")


def _segments_json(segments: list[Segment]) -> list[dict[str, Any]]:
    return [{"text": segment.text, "highlight": segment.highlight} for segment in segments]


@router.get("/search", response_model=SearchResults, responses=problem_responses(422))
@outage_free
async def search_articles(
    q: Annotated[HumanText, Query(min_length=1, max_length=200, description="The question.")],
    limit: Annotated[int, Query(ge=1, le=30)] = 10,
) -> Response:
    """French full-text search: accents and case ignored, stemming, the word being typed as a
    prefix, one typo forgiven; ranked, with highlighted title and excerpt."""
    # Answered as the panel types: plain data serialised by orjson, without FastAPI's model
    # pass over each highlighted segment (bench/help_search.py: the route's CPU went from
    # 1.2 to … ms per request). The shape is the declared SearchResults.
    hits = [
        {
            "article": _summary_json(hit.article.slug),
            "score": hit.score,
            "title": _segments_json(hit.title),
            "excerpt": _segments_json(hit.excerpt),
        }
        for hit in service.search(q, limit)
    ]
    return PlainJSONResponse({"query": q, "hits": hits})


@router.get("/contact", response_model=SupportContact)
@outage_free
async def support_contact(settings: AppSettings) -> SupportContact:
    """How to reach the support team (from the configuration)."""
    return _contact(settings)


@router.get(
    "/articles/{slug}/feedback",
    response_model=FeedbackOut | None,
    responses=problem_responses(401, 404),
)
async def get_my_feedback(
    slug: MachineText, session: DbSession, principal: Person
) -> FeedbackOut | None:
    """Your answer to « Cet article vous a-t-il aidé ? », if you gave one."""
    found = await service.my_feedback(session, principal, slug)
    return FeedbackOut.model_validate(found) if found else None


@router.put(
    "/articles/{slug}/feedback",
    response_model=FeedbackOut,
    responses=problem_responses(401, 404, 422),
)
async def give_feedback(
    slug: MachineText, body: FeedbackIn, session: DbSession, principal: Person
) -> FeedbackOut:
    """« Cet article vous a-t-il aidé ? »: one answer per person and article, the last kept."""
    return FeedbackOut.model_validate(
        await service.give_feedback(
            session, principal, slug, helpful=body.helpful, comment=body.comment
        )
    )


@router.get(
    "/tours/progress", response_model=TourProgressPage, responses=problem_responses(401, 422)
)
async def list_tour_progress(
    session: DbSession,
    principal: Person,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> TourProgressPage:
    """Where you are in each guided tour you started."""
    rows, next_cursor = await service.tour_progress(session, principal, limit, cursor)
    items = [
        TourProgressOut(
            tour_id=row.tour_id,
            step=row.step,
            completed=row.completed_at is not None,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return TourProgressPage(items=items, next_cursor=next_cursor)


@router.put(
    "/tours/{tour_id}/progress",
    response_model=TourProgressOut,
    responses=problem_responses(401, 404, 422),
)
async def save_tour_progress(
    tour_id: MachineText, body: TourProgressIn, session: DbSession, principal: Person
) -> TourProgressOut:
    """Remember the next step of a tour, or that it was finished."""
    row = await service.save_tour_progress(
        session, principal, tour_id, step=body.step, completed=body.completed
    )
    return TourProgressOut(
        tour_id=row.tour_id,
        step=row.step,
        completed=row.completed_at is not None,
        updated_at=row.updated_at,
    )


@router.post(
    "/support-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=SupportRequestOut,
    responses=problem_responses(401, 422, 429),
)
async def create_support_request(
    body: SupportRequestIn,
    session: DbSession,
    actor: PersonActor,
    settings: AppSettings,
) -> SupportRequestOut:
    """« Contacter le support »: stored, audited, mailed to the support team with its context
    (screen, workspace, request id, browser) and acknowledged to you by mail."""
    created = await service.create_support_request(
        session,
        settings,
        actor,
        subject=body.subject,
        message=body.message,
        screen=body.screen,
        request_id=body.request_id,
        email=str(body.email) if body.email else None,
    )
    return SupportRequestOut.model_validate(created)


@router.get(
    "/support-requests", response_model=SupportRequestPage, responses=problem_responses(401, 422)
)
async def list_support_requests(
    session: DbSession,
    principal: Person,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> SupportRequestPage:
    """The requests you sent from this workspace, newest first."""
    rows, next_cursor = await service.my_support_requests(session, principal, limit, cursor)
    return SupportRequestPage.of(rows, next_cursor)


@router.get(
    "/support-requests/{request_id}",
    response_model=SupportRequestOut,
    responses=problem_responses(401, 404),
)
async def get_support_request(
    request_id: uuid.UUID, session: DbSession, principal: Person
) -> SupportRequestOut:
    """One of your requests; anyone else's is 404."""
    return SupportRequestOut.model_validate(
        await service.my_support_request(session, principal, request_id)
    )
