from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.core.input import HumanParagraphs, HumanText, MachineText, RequestModel
from api.core.pagination import Page


class HelpSegment(BaseModel):
    text: str
    highlight: bool = Field(description="A word of the question (shown highlighted).")


class ArticleSummary(BaseModel):
    slug: str = Field(examples=["ajouter-un-client"])
    title: str
    category: str
    summary: str
    screens: list[str] = Field(description="The SPA routes the article is about.")


class ArticleSummaryPage(Page[ArticleSummary]):
    pass


class Article(ArticleSummary):
    keywords: list[str]
    html: str = Field(description="The article rendered from its Markdown (no raw HTML).")
    related: list[ArticleSummary]
    headings: list[str]


class SearchHit(BaseModel):
    article: ArticleSummary
    score: float
    title: list[HelpSegment]
    excerpt: list[HelpSegment]


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit]


class SupportContact(BaseModel):
    email: str
    phone: str
    hours: str
    response_time: str


class TourStepOut(BaseModel):
    title: str
    body: str
    route: str | None = Field(description="The page the step happens on; null: where you are.")
    target: str | None = Field(description="Visible text of what the step points at.")


class TourOut(BaseModel):
    id: str
    title: str
    summary: str
    screens: list[str]
    article: str
    steps: list[TourStepOut]


class HelpIndex(BaseModel):
    """What the « Assistance » panel shows before any search."""

    contact: SupportContact
    articles: list[ArticleSummary] = Field(description="For the screen asked, or all.")
    tours: list[TourOut]
    categories: list[str]


class FeedbackIn(RequestModel):
    helpful: bool
    comment: HumanParagraphs = Field(default="", max_length=1000)


class FeedbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    article_slug: str
    helpful: bool
    comment: str
    updated_at: datetime


class TourProgressIn(RequestModel):
    step: int = Field(ge=0, le=50, description="The next step to show (0-based).")
    completed: bool = False


class TourProgressOut(BaseModel):
    tour_id: str
    step: int
    completed: bool
    updated_at: datetime | None


class TourProgressPage(Page[TourProgressOut]):
    pass


class SupportRequestIn(RequestModel):
    subject: HumanText = Field(min_length=3, max_length=200)
    message: HumanParagraphs = Field(min_length=10, max_length=5000)
    screen: MachineText = Field(default="", max_length=300, description="The page the user was on.")
    request_id: MachineText = Field(
        default="", max_length=128, description="X-Request-ID of the last failed call, if any."
    )
    email: EmailStr | None = Field(
        default=None, description="Where to answer; the account's address when empty."
    )


class SupportRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str = Field(examples=["AS-7K2P9Q"])
    workspace_id: uuid.UUID | None
    email: str
    subject: str
    message: str
    screen: str
    request_id: str
    user_agent: str
    created_at: datetime


class SupportRequestPage(Page[SupportRequestOut]):
    pass
