"""What every national directory (*annuaire*) speaks: addresses, lines, requests, outcomes.

The model follows the directory's own (XP Z12-013 Directory Service, PPF annuaire):
- an address (*maille d'adressage*) is a SIREN, optionally narrowed to one SIRET, to a SIRET
  plus a routing code (*code routage*), or to a SIREN plus a suffix that is not attached to
  an establishment. Its addressing identifier joins the parts with `_`;
- a directory line says which platform (PA) receives the invoices sent to an address, from
  `date_from` to `date_to` (both inclusive; no `date_to`: until further notice);
- lines are never deleted: a line is ended by giving it an end date, and a later line
  (possibly of another platform) takes over from the next day;
- two lines for the same address may not overlap in time, whichever platform holds them; a
  line held by another platform is a conflict for us.

Callers (the outbox worker) send one request at a time through `Directory.attempt`, which
never raises on the directory's failures: it answers a typed outcome, and
`outcome.retry_later` tells whether trying again later may succeed.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

Siren = Annotated[str, Field(pattern=r"^\d{9}$")]
Siret = Annotated[str, Field(pattern=r"^\d{14}$")]
# Routing codes and suffixes are free text at the directory; `_` is excluded because it
# separates the parts of the addressing identifier.
AddressCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,99}$")]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200)]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AddressLevel(StrEnum):
    SIREN = "siren"
    SIRET = "siret"
    ROUTING_CODE = "routing_code"
    SUFFIX = "suffix"


class DirectoryAddress(_Value):
    """An address of the directory; the SIREN alone unless a narrower one is chosen."""

    siren: Siren
    siret: Siret | None = None
    routing_identifier: AddressCode | None = None
    addressing_suffix: AddressCode | None = None

    @model_validator(mode="after")
    def _one_consistent_mesh(self) -> Self:
        if self.siret is not None and not self.siret.startswith(self.siren):
            raise ValueError("le SIRET n'appartient pas à ce SIREN")
        if self.routing_identifier is not None and self.siret is None:
            raise ValueError("un code routage est rattaché à un établissement (SIRET)")
        if self.addressing_suffix is not None and self.siret is not None:
            raise ValueError("un suffixe d'adressage ne se combine pas avec un SIRET")
        return self

    @property
    def level(self) -> AddressLevel:
        if self.addressing_suffix is not None:
            return AddressLevel.SUFFIX
        if self.routing_identifier is not None:
            return AddressLevel.ROUTING_CODE
        if self.siret is not None:
            return AddressLevel.SIRET
        return AddressLevel.SIREN

    @property
    def addressing_identifier(self) -> str:
        """`SIREN`, `SIREN_SIRET`, `SIREN_SIRET_CODE` or `SIREN_SUFFIX`: one key per address."""
        parts = [self.siren, self.siret, self.routing_identifier, self.addressing_suffix]
        return "_".join(part for part in parts if part is not None)


def periods_overlap(
    first_from: date, first_to: date | None, second_from: date, second_to: date | None
) -> bool:
    """Inclusive date ranges; an end of None runs forever."""
    return (second_to is None or first_from <= second_to) and (
        first_to is None or second_from <= first_to
    )


class DirectoryLine(_Value):
    """A line as the directory holds it. `line_id` is the directory's own identifier."""

    line_id: str
    address: DirectoryAddress
    platform_id: str
    date_from: date
    date_to: date | None = None

    def in_effect_on(self, day: date) -> bool:
        return self.date_from <= day and (self.date_to is None or day <= self.date_to)

    def overlaps(self, date_from: date, date_to: date | None) -> bool:
        return periods_overlap(self.date_from, self.date_to, date_from, date_to)

    def covers(self, date_from: date, date_to: date | None) -> bool:
        """True when this line already spans the whole of the given period."""
        if self.date_from > date_from:
            return False
        if self.date_to is None:
            return True
        return date_to is not None and date_to <= self.date_to


# Requests: what the worker asks. They are JSON-serialisable (`model_dump(mode="json")`) so
# an outbox row can carry one; `directory_request_from_json` reads it back.


class RegisterLine(_Value):
    """Make this platform the receiver of `address` from `date_from`.

    The idempotency key is the caller's: the same key sent again (after a timeout, a crash,
    a retry) never creates a second line, it answers the line the first call created."""

    kind: Literal["register_line"] = "register_line"
    address: DirectoryAddress
    date_from: date
    date_to: date | None = None
    idempotency_key: IdempotencyKey

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.date_to is not None and self.date_to < self.date_from:
            raise ValueError("la date de fin précède la date de début")
        return self


class EndLine(_Value):
    """Deregistration: the line stops on `date_to` (inclusive). Naturally idempotent."""

    kind: Literal["end_line"] = "end_line"
    line_id: str = Field(min_length=1, max_length=100)
    date_to: date


class LookUpAddress(_Value):
    """Every line of an address, past and present (lines are never deleted)."""

    kind: Literal["look_up_address"] = "look_up_address"
    address: DirectoryAddress


DirectoryRequest = Annotated[RegisterLine | EndLine | LookUpAddress, Field(discriminator="kind")]
_requests: TypeAdapter[DirectoryRequest] = TypeAdapter(DirectoryRequest)


def directory_request_from_json(payload: str | bytes) -> DirectoryRequest:
    return _requests.validate_json(payload)


# Outcomes: what the directory answered, never an exception.


class _Outcome(_Value):
    @property
    def succeeded(self) -> bool:
        return False

    @property
    def retry_later(self) -> bool:
        return False


class Registered(_Outcome):
    """The line exists now, created by this request (or by an earlier call with its key)."""

    outcome: Literal["registered"] = "registered"
    line: DirectoryLine

    @property
    def succeeded(self) -> bool:
        return True


class AlreadyRegistered(_Outcome):
    """This platform already holds a line covering the period: nothing was created."""

    outcome: Literal["already_registered"] = "already_registered"
    line: DirectoryLine

    @property
    def succeeded(self) -> bool:
        return True


class Conflict(_Outcome):
    """Another platform holds a line for this address during the period (`line.platform_id`).
    Only the company can settle it: its other platform must end that line first."""

    outcome: Literal["conflict"] = "conflict"
    line: DirectoryLine


class OverlapRefused(_Outcome):
    """One of our own lines overlaps the period without covering it (an ended line, or one
    starting later): end or let it end first, then register from the next day."""

    outcome: Literal["overlap_refused"] = "overlap_refused"
    line: DirectoryLine


class Ended(_Outcome):
    outcome: Literal["ended"] = "ended"
    line: DirectoryLine

    @property
    def succeeded(self) -> bool:
        return True


class AlreadyEnded(_Outcome):
    """The line already ended before the requested day: nothing changed. (Ending it again
    on the same day is a replay and answers `Ended`.)"""

    outcome: Literal["already_ended"] = "already_ended"
    line: DirectoryLine

    @property
    def succeeded(self) -> bool:
        return True


class Found(_Outcome):
    outcome: Literal["found"] = "found"
    lines: tuple[DirectoryLine, ...]

    @property
    def succeeded(self) -> bool:
        return True

    def in_effect_on(self, day: date) -> DirectoryLine | None:
        return next((line for line in self.lines if line.in_effect_on(day)), None)


class TransientFailure(_Outcome):
    """Unreachable, too slow, overloaded (timeouts, 5xx, 429): try again later, with the
    same request (and idempotency key)."""

    outcome: Literal["transient_failure"] = "transient_failure"
    detail: str
    status: int | None = None
    retry_after_seconds: float | None = None

    @property
    def retry_later(self) -> bool:
        return True


class PermanentFailure(_Outcome):
    """Refused for a reason a retry will not change (4xx): invalid request, bad credentials,
    unknown line, a reused idempotency key. Someone must look at it."""

    outcome: Literal["permanent_failure"] = "permanent_failure"
    detail: str
    status: int | None = None
    code: str | None = None


DirectoryOutcome = Annotated[
    Registered
    | AlreadyRegistered
    | Conflict
    | OverlapRefused
    | Ended
    | AlreadyEnded
    | Found
    | TransientFailure
    | PermanentFailure,
    Field(discriminator="outcome"),
]
_outcomes: TypeAdapter[DirectoryOutcome] = TypeAdapter(DirectoryOutcome)


def directory_outcome_from_json(payload: str | bytes) -> DirectoryOutcome:
    return _outcomes.validate_json(payload)


def refusal_for(
    existing: DirectoryLine, request: RegisterLine, platform_id: str
) -> AlreadyRegistered | Conflict | OverlapRefused:
    """Why a registration met `existing`, an overlapping line of the same address."""
    if existing.platform_id != platform_id:
        return Conflict(line=existing)
    if existing.covers(request.date_from, request.date_to):
        return AlreadyRegistered(line=existing)
    return OverlapRefused(line=existing)


def worst_refusal(
    overlapping: list[DirectoryLine], request: RegisterLine, platform_id: str
) -> AlreadyRegistered | Conflict | OverlapRefused:
    """Among several overlapping lines, another platform's wins, then a partial overlap."""
    refusals = [refusal_for(line, request, platform_id) for line in overlapping]
    for kind in (Conflict, OverlapRefused):
        for refusal in refusals:
            if isinstance(refusal, kind):
                return refusal
    return refusals[0]


class Directory(Protocol):
    """The national directory, as seen by one platform (`platform_id`)."""

    @property
    def platform_id(self) -> str: ...

    async def attempt(self, request: DirectoryRequest) -> DirectoryOutcome:
        """Send one request; remote failures come back as outcomes, never as exceptions."""
        ...

    async def aclose(self) -> None: ...
