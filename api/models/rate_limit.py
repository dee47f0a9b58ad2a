from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base


class RateLimitWindow(Base):
    """Fixed-window counters shared by every API process (`rate:challenge-create:ip:…`)."""

    __tablename__ = "rate_limit_windows"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    hits: Mapped[int] = mapped_column(Integer)
