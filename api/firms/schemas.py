from __future__ import annotations

from pydantic import EmailStr, Field

from api.core.input import HumanText, RequestModel


class FirmCreate(RequestModel):
    """A firm and its owner (the expert-comptable), as `comptoir firm create` takes them."""

    name: HumanText = Field(min_length=2, max_length=200)
    siren: HumanText = Field(pattern=r"^\d{9}$")
    owner_email: EmailStr
    owner_first_name: HumanText = Field(min_length=1, max_length=100)
    owner_last_name: HumanText = Field(min_length=1, max_length=100)
