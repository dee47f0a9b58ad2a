from __future__ import annotations

from pydantic import BaseModel, EmailStr, Field


class FirmCreate(BaseModel):
    """A firm and its owner (the expert-comptable), as `comptoir firm create` takes them."""

    name: str = Field(min_length=2, max_length=200)
    siren: str = Field(pattern=r"^\d{9}$")
    owner_email: EmailStr
    owner_first_name: str = Field(min_length=1, max_length=100)
    owner_last_name: str = Field(min_length=1, max_length=100)
