"""The help centre's records: what users thought of an article, where they are in a guided
tour, and the support requests they sent. The articles themselves are shipped files
(`api/help/articles/`), never rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class HelpArticleFeedback(IdMixin, Base):
    """« Cet article vous a-t-il aidé ? »: one answer per user and article, the last one kept."""

    __tablename__ = "help_article_feedback"
    __table_args__ = (UniqueConstraint("user_id", "article_slug"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_slug: Mapped[str] = mapped_column(String(120), index=True)
    helpful: Mapped[bool]
    comment: Mapped[str] = mapped_column(String(1000), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpTourProgress(IdMixin, Base):
    """How far a user went in a guided tour: the next step to show, or done."""

    __tablename__ = "help_tour_progress"
    __table_args__ = (UniqueConstraint("user_id", "tour_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tour_id: Mapped[str] = mapped_column(String(60))
    step: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportRequest(IdMixin, Base):
    """« Contacter le support »: a user's message with the context the support team needs."""

    __tablename__ = "support_requests"
    __table_args__ = (Index("ix_support_requests_created_at", "created_at"),)

    reference: Mapped[str] = mapped_column(String(20), unique=True)
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    screen: Mapped[str] = mapped_column(String(300), default="")
    request_id: Mapped[str] = mapped_column(String(128), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
