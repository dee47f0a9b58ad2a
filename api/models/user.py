from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, TimestampMixin


class User(IdMixin, TimestampMixin, Base):
    """A person. Users have no password: they log in by approving a QR code with an enrolled
    device. `deleted_at` ends every session at its next request."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    """The person with this e-mail address, whatever its case (one account per address)."""
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
