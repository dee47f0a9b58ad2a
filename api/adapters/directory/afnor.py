"""The national directory over HTTP: an AFNOR XP Z12-013-style Directory Service
(`COMPTOIR_DIRECTORY=afnor`), as the PPF annuaire exposes it to platforms.

- `POST  /v1/directory-line` with `Idempotency-Key`: create a line → 201 with the line;
  409 with `existingLine` when an overlapping line of the address exists;
- `PATCH /v1/directory-line/id-instance:{id}` `{"dateTo"}`: end a line → 200 with the line;
- `POST  /v1/directory-line/search` on `addressingIdentifier`: every line of an address.

The platform is the caller: the bearer token says which one. Every failure becomes an
outcome (docs/einvoicing.md): timeouts, network errors, 408/425/429 and 5xx are transient,
other 4xx permanent. The wire format lives here and nowhere else.
"""

from __future__ import annotations

import email.utils
import time
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api import __version__
from api.adapters.directory.base import (
    AlreadyEnded,
    DirectoryAddress,
    DirectoryLine,
    DirectoryOutcome,
    DirectoryRequest,
    Ended,
    EndLine,
    Found,
    LookUpAddress,
    PermanentFailure,
    Registered,
    RegisterLine,
    TransientFailure,
    refusal_for,
)
from api.core.settings import Settings

# Statuses worth trying again: the request may succeed later unchanged (RFC 9110 §15.5.9,
# RFC 8470 §5.2, RFC 6585 §4, and any server-side error).
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
SEARCH_LIMIT = 100


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _WirePlatform(_Wire):
    platform_id: str = Field(alias="platformId")


class _WirePeriod(_Wire):
    date_from: date = Field(alias="dateFrom")
    date_to: date | None = Field(default=None, alias="dateTo")


class _WireLine(_Wire):
    id_instance: int | str = Field(alias="idInstance")
    siren: str
    siret: str | None = None
    routing_identifier: str | None = Field(default=None, alias="routingIdentifier")
    addressing_suffix: str | None = Field(default=None, alias="addressingSuffix")
    platform: _WirePlatform
    period: _WirePeriod

    def as_line(self) -> DirectoryLine:
        return DirectoryLine(
            line_id=str(self.id_instance),
            address=DirectoryAddress(
                siren=self.siren,
                siret=self.siret,
                routing_identifier=self.routing_identifier,
                addressing_suffix=self.addressing_suffix,
            ),
            platform_id=self.platform.platform_id,
            date_from=self.period.date_from,
            date_to=self.period.date_to,
        )


class _WireError(_Wire):
    error_code: str | None = Field(default=None, alias="errorCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    existing_line: _WireLine | None = Field(default=None, alias="existingLine")


class _WireSearchAnswer(_Wire):
    results: list[_WireLine]


class AfnorDirectory:
    def __init__(
        self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        if not settings.directory_url:
            raise ValueError("COMPTOIR_DIRECTORY_URL est requis avec COMPTOIR_DIRECTORY=afnor")
        self._platform_id = settings.directory_platform_id
        headers = {"Accept": "application/json", "User-Agent": f"Comptoir/{__version__}"}
        token = settings.directory_token.get_secret_value()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.AsyncClient(
            base_url=settings.directory_url.rstrip("/"),
            timeout=httpx.Timeout(
                settings.directory_timeout_seconds,
                connect=settings.directory_connect_timeout_seconds,
            ),
            headers=headers,
            transport=transport,
        )

    @property
    def platform_id(self) -> str:
        return self._platform_id

    async def aclose(self) -> None:
        await self._client.aclose()

    async def attempt(self, request: DirectoryRequest) -> DirectoryOutcome:
        try:
            if isinstance(request, RegisterLine):
                return await self._register(request)
            if isinstance(request, EndLine):
                return await self._end(request)
            return await self._look_up(request)
        except httpx.TimeoutException:
            return TransientFailure(detail="L'annuaire n'a pas répondu à temps.")
        except httpx.HTTPError as error:
            return TransientFailure(detail=f"Annuaire injoignable ({type(error).__name__}).")

    async def _register(self, request: RegisterLine) -> DirectoryOutcome:
        address = request.address
        body: dict[str, Any] = {
            "addressingInformation": _without_none(
                {
                    "siren": address.siren,
                    "siret": address.siret,
                    "routingIdentifier": address.routing_identifier,
                    "addressingSuffix": address.addressing_suffix,
                }
            ),
            "period": _without_none(
                {
                    "dateFrom": request.date_from.isoformat(),
                    "dateTo": request.date_to.isoformat() if request.date_to else None,
                }
            ),
        }
        response = await self._client.post(
            "/v1/directory-line",
            json=body,
            headers={"Idempotency-Key": request.idempotency_key},
        )
        if response.status_code in (200, 201):
            line = _parse_line(response)
            return line if isinstance(line, PermanentFailure) else Registered(line=line)
        if response.status_code == 409:
            existing = _existing_line(response)
            if existing is not None:
                return refusal_for(existing, request, self._platform_id)
        return _failure(response)

    async def _end(self, request: EndLine) -> DirectoryOutcome:
        response = await self._client.patch(
            f"/v1/directory-line/id-instance:{quote(request.line_id, safe='')}",
            json={"dateTo": request.date_to.isoformat()},
        )
        if response.status_code != 200:
            return _failure(response)
        line = _parse_line(response)
        if isinstance(line, PermanentFailure):
            return line
        if line.date_to is not None and line.date_to < request.date_to:
            return AlreadyEnded(line=line)
        return Ended(line=line)

    async def _look_up(self, request: LookUpAddress) -> DirectoryOutcome:
        response = await self._client.post(
            "/v1/directory-line/search",
            json={
                "filters": {
                    "addressingIdentifier": {
                        "op": "strict",
                        "value": request.address.addressing_identifier,
                    }
                },
                "limit": SEARCH_LIMIT,
            },
        )
        if response.status_code != 200:
            return _failure(response)
        try:
            results = _WireSearchAnswer.model_validate_json(response.content).results
            lines = [result.as_line() for result in results]
        except ValidationError:
            return _unreadable(response)
        return Found(
            lines=tuple(
                sorted(
                    (line for line in lines if line.address == request.address),
                    key=lambda line: line.date_from,
                )
            )
        )


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _parse_line(response: httpx.Response) -> DirectoryLine | PermanentFailure:
    try:
        return _WireLine.model_validate_json(response.content).as_line()
    except ValidationError:
        return _unreadable(response)


def _unreadable(response: httpx.Response) -> PermanentFailure:
    return PermanentFailure(
        detail="L'annuaire a renvoyé une réponse illisible.",
        status=response.status_code,
        code="bad-answer",
    )


def _error(response: httpx.Response) -> _WireError:
    try:
        return _WireError.model_validate_json(response.content)
    except ValidationError:
        return _WireError()


def _existing_line(response: httpx.Response) -> DirectoryLine | None:
    """The overlapping line a 409 names, which tells a conflict from our own line."""
    existing = _error(response).existing_line
    try:
        return existing.as_line() if existing is not None else None
    except ValidationError:
        return None


def _failure(response: httpx.Response) -> TransientFailure | PermanentFailure:
    status = response.status_code
    error = _error(response)
    if status in _TRANSIENT_STATUSES or status >= 500:
        return TransientFailure(
            detail=error.error_message or f"L'annuaire a répondu {status}.",
            status=status,
            retry_after_seconds=_retry_after_seconds(response.headers.get("Retry-After")),
        )
    return PermanentFailure(
        detail=error.error_message or f"L'annuaire a refusé la demande ({status}).",
        status=status,
        code=error.error_code,
    )


def _retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
