"""The Flow Service of another platform over HTTP (XP Z12-013 annex A): OAuth2 client
credentials (RFC 6749 §4.4) at `{base_url}/oauth2/token` with the credentials the peer issued to
us, then `POST {base_url}/afnor-flow/v1/flows` (multipart `file` + `flowInfo`, `Organization-Id`
naming the organisation the file is for). Tokens are kept per peer until shortly before they
expire. Secrets never reach a log line or an error message.

Failures: network errors, timeouts, 408/425/429 and 5xx are `PeerUnavailable` (retried by the
outbox), other 4xx `PeerRefused`. A deposit answered 401 fetches a new token once.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from dataclasses import dataclass

import httpx

from api import __version__
from api.adapters.transport.base import Parcel, PeerRefused, PeerUnavailable, Sent
from api.core.settings import PeerPlatform, Settings

_TRANSIENT_STATUSES = frozenset({408, 425, 429})
FLOWS_PATH = "/afnor-flow/v1/flows"
TOKEN_PATH = "/oauth2/token"
# A token is used until this many seconds before its announced expiry.
_TOKEN_MARGIN_SECONDS = 30.0


@dataclass(slots=True)
class _Token:
    value: str
    valid_until: float  # time.monotonic()


class HttpTransport:
    def __init__(self, settings: Settings, *, wire: httpx.AsyncBaseTransport | None = None) -> None:
        # `wire`: how requests travel (the network by default; an in-process app in tests).
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.peer_timeout_seconds, connect=5.0),
            headers={"User-Agent": f"Comptoir/{__version__} (transport)"},
            follow_redirects=False,
            transport=wire,
        )
        self._tokens: dict[str, _Token] = {}
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, peer: PeerPlatform, parcel: Parcel) -> Sent:
        for attempt in (1, 2):
            token = await self._token(peer, fresh=attempt == 2)
            response = await self._post(
                peer,
                FLOWS_PATH,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Organization-Id": parcel.organization,
                },
                files={
                    "file": (parcel.name, parcel.content, "application/octet-stream"),
                    "flowInfo": (
                        None,
                        json.dumps(
                            {
                                "name": parcel.name,
                                "flowSyntax": parcel.syntax,
                                "trackingId": parcel.tracking_id,
                                "sha256": parcel.sha256,
                            }
                        ),
                        "application/json",
                    ),
                },
            )
            if response.status_code == 401 and attempt == 1:
                continue  # the token died early (the peer restarted, rotated its key)
            if response.status_code in (200, 201, 202):
                flow_id = _json(response).get("flowId")
                if not isinstance(flow_id, str) or not flow_id:
                    raise PeerUnavailable(
                        f"La plateforme {peer.id} a accepté le flux sans en donner l'identifiant."
                    )
                return Sent(remote_flow_id=flow_id)
            raise _failure(peer, response, "dépôt du flux")
        raise PeerRefused(f"La plateforme {peer.id} refuse nos jetons d'accès.", status=401)

    async def check(self, peer: PeerPlatform) -> None:
        """Ask the peer for a token with our credentials: raises as `send` would."""
        await self._token(peer, fresh=True)

    async def _token(self, peer: PeerPlatform, *, fresh: bool) -> str:
        async with self._lock:
            kept = self._tokens.get(peer.id)
            if kept is not None and not fresh and kept.valid_until > time.monotonic():
                return kept.value
            response = await self._post(
                peer,
                TOKEN_PATH,
                data={"grant_type": "client_credentials", "scope": "flows:write"},
                auth=httpx.BasicAuth(peer.client_id, peer.client_secret.get_secret_value()),
            )
            if response.status_code != 200:
                raise _failure(peer, response, "obtention du jeton")
            body = _json(response)
            value, expires_in = body.get("access_token"), body.get("expires_in", 60)
            if not isinstance(value, str) or not isinstance(expires_in, int | float):
                raise PeerUnavailable(f"La plateforme {peer.id} a répondu un jeton illisible.")
            self._tokens[peer.id] = _Token(
                value, time.monotonic() + max(0.0, float(expires_in) - _TOKEN_MARGIN_SECONDS)
            )
            return value

    async def _post(self, peer: PeerPlatform, path: str, **request: object) -> httpx.Response:
        url = peer.base_url.rstrip("/") + path
        try:
            return await self._client.post(url, **request)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise PeerUnavailable(f"La plateforme {peer.id} n'a pas répondu à temps.") from None
        except httpx.HTTPError as error:
            raise PeerUnavailable(
                f"La plateforme {peer.id} est injoignable ({type(error).__name__})."
            ) from None


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _failure(peer: PeerPlatform, response: httpx.Response, what: str) -> Exception:
    status = response.status_code
    body = _json(response)
    said = body.get("errorMessage") or body.get("error_description") or body.get("detail")
    detail = f"La plateforme {peer.id} a répondu {status} ({what})" + (
        f" : {str(said)[:300]}" if said else "."
    )
    if status in _TRANSIENT_STATUSES or status >= 500:
        return PeerUnavailable(
            detail, retry_after_seconds=_retry_after_seconds(response.headers.get("Retry-After"))
        )
    return PeerRefused(detail, status=status)


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
