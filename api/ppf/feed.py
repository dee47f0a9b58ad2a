"""How a status copy reaches the PPF: one interface (`PpfFeed`), two adapters chosen by
`COMPTOIR_PPF_FEED`.

- `local` (default, works offline): the copy is kept in our database, marked sent here and
  logged; the flow's screen says it was kept locally, not that the PPF has it.
- `http`: `POST {COMPTOIR_PPF_URL}` with the CDAR message as the body (`application/xml`),
  `Authorization: Bearer {COMPTOIR_PPF_TOKEN}` and `Idempotency-Key: <copy id>`, the same key
  on every attempt, so an endpoint that got a copy whose answer was lost keeps it once.

Every answer becomes an outcome, never an exception: 2xx `Delivered`; a timeout, a network
error, 408/425/429 or 5xx `Unavailable` (retried by the outbox with backoff, `Retry-After`
honoured); any other status `Refused` with the endpoint's body (kept, shown, not retried).
"""

from __future__ import annotations

import email.utils
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from api import __version__
from api.core.settings import Settings

logger = logging.getLogger("comptoir.ppf")

# Worth trying again unchanged (RFC 9110 §15.5.9, RFC 8470 §5.2, RFC 6585 §4, and 5xx).
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
MAX_BODY_KEPT = 2000


@dataclass(frozen=True, slots=True)
class CopyToSend:
    copy_id: uuid.UUID  # the idempotency key
    status_code: int
    message: bytes


@dataclass(frozen=True, slots=True)
class Delivered:
    status: int | None = None  # the endpoint's HTTP status (`http`); None when kept locally


@dataclass(frozen=True, slots=True)
class Refused:
    status: int
    body: str


@dataclass(frozen=True, slots=True)
class Unavailable:
    detail: str
    status: int | None = None
    retry_after_seconds: float | None = None


Outcome = Delivered | Refused | Unavailable


class PpfFeed(Protocol):
    name: Literal["local", "http"]

    async def send(self, copy: CopyToSend) -> Outcome: ...

    async def aclose(self) -> None: ...


class LocalFeed:
    """The embedded default: the copy stays in our database, marked sent locally. It says
    which platform id the copies carry, the one the PPF would read once `http` is set."""

    name: Literal["local", "http"] = "local"

    def __init__(self, platform_id: str) -> None:
        self.platform_id = platform_id

    async def send(self, copy: CopyToSend) -> Outcome:
        logger.info(
            "PPF copy %s (status %d) kept locally (COMPTOIR_PPF_FEED=local), sent as platform %s",
            copy.copy_id,
            copy.status_code,
            self.platform_id,
        )
        return Delivered()

    async def aclose(self) -> None:
        return None


class HttpFeed:
    name: Literal["local", "http"] = "http"

    def __init__(
        self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        if not settings.ppf_url:
            raise ValueError("COMPTOIR_PPF_URL est requis avec COMPTOIR_PPF_FEED=http")
        headers = {
            "Content-Type": "application/xml",
            "Accept": "application/json, application/xml;q=0.9, */*;q=0.1",
            "User-Agent": f"Comptoir/{__version__}",
        }
        token = settings.ppf_token.get_secret_value()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._url = settings.ppf_url
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                settings.ppf_timeout_seconds, connect=settings.ppf_connect_timeout_seconds
            ),
            headers=headers,
            transport=transport,
            follow_redirects=False,  # the credentials go to the configured endpoint only
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, copy: CopyToSend) -> Outcome:
        try:
            response = await self._client.post(
                self._url,
                content=copy.message,
                headers={"Idempotency-Key": str(copy.copy_id)},
            )
        except httpx.TimeoutException:
            return Unavailable("Le PPF n'a pas répondu à temps.")
        except httpx.HTTPError as error:
            return Unavailable(f"PPF injoignable ({type(error).__name__}).")
        if response.is_success:
            return Delivered(status=response.status_code)
        if response.status_code in _TRANSIENT_STATUSES or response.status_code >= 500:
            return Unavailable(
                f"Le PPF est indisponible (HTTP {response.status_code}).",
                status=response.status_code,
                retry_after_seconds=_retry_after(response.headers.get("Retry-After")),
            )
        return Refused(status=response.status_code, body=_body(response))


def _body(response: httpx.Response) -> str:
    text = response.text.strip() or response.reason_phrase
    return text[:MAX_BODY_KEPT]


def _retry_after(value: str | None) -> float | None:
    """RFC 9110 §10.2.3: seconds, or an HTTP date."""
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


def build_feed(settings: Settings) -> PpfFeed:
    if settings.ppf_feed == "http":
        return HttpFeed(settings)
    if not settings.platform_registration_number:
        logger.warning(
            "PPF feed: local; the copies name this platform %s (the directory id: "
            "COMPTOIR_PLATFORM_REGISTRATION_NUMBER is not set, and COMPTOIR_PPF_FEED=http "
            "refuses to start without it)",
            settings.platform_matricule,
        )
    else:
        logger.info(
            "PPF feed: local; the copies name this platform %s", settings.platform_matricule
        )
    return LocalFeed(settings.platform_matricule)
