"""Participant lookup: where a Peppol participant receives a document type (docs/peppol-smp.md).

    lookup = SmpLookup.from_settings(settings)
    endpoint = await lookup.find_endpoint(participant, document_type)   # PeppolEndpoint | None

The SMP that answers for a participant is either one configured base URL (`peppol_smp_url`:
tests, a self-hoster's private network) or, in production, the one the SML publishes in DNS
(`api.peppol.smp.sml`: a NAPTR record, or the legacy `B-<md5>` host name). The tests run both
the configured URL and the NAPTR resolution against a DNS server on loopback.

Answers:
- the participant unknown to the SML, or it or its document type unknown to the SMP (404,
  410) → None;
- the SML's DNS or the SMP down, slow, answering 5xx or 429 → `SmpUnavailable` (a
  `PeerUnavailable`: the outbox tries again later, after the SMP's Retry-After if it gave one);
- an answer not signed by a trusted SMP certificate, altered, or about another participant →
  `SmpAnswerRefused`, also retried later (nothing is ever sent on an unverified address);
- another 4xx → `SmpLookupFailed` (a `PeerRefused`).

Answers are cached per process, with their expiry: the SMP's `Cache-Control: max-age` or
`peppol_smp_cache_seconds`, never past the endpoint's expiration date nor its certificate's;
« unknown » for `peppol_smp_negative_cache_seconds`. A cache miss costs one HTTP GET and a
signature check; nothing else is kept between processes (each asks the SMP itself).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives import serialization

from api import __version__
from api.adapters.transport import PeerRefused, PeerUnavailable
from api.core.settings import Settings
from api.peppol.identifiers import FrenchParticipant, InvalidParticipant
from api.peppol.smp.catalogue import (
    AS4_TRANSPORT_PROFILE,
    DOCUMENT_SCHEME,
    document_type_value,
)
from api.peppol.smp.service_metadata import (
    ServiceGroup,
    SmpDocumentInvalid,
    SmpSignatureInvalid,
    read_service_group,
    read_signed_service_metadata,
)
from api.peppol.smp.sml import (
    FixedSmp,
    SmlCname,
    SmlNaptr,
    SmlUnavailable,
    SmpLocator,
)
from api.peppol.smp.trust import TrustAnchors

logger = logging.getLogger("comptoir.peppol.smp")
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\b", re.IGNORECASE)
CACHE_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class PeppolEndpoint:
    """Where to send a document type to a participant, and the certificate of that access point
    (its messages are encrypted to it, its receipts signed with it)."""

    url: str
    certificate_pem: bytes
    transport_profile: str


class SmpUnavailable(PeerUnavailable):
    """The SMP did not answer usefully (down, timeout, 5xx, 429): look up again later."""


class SmpAnswerRefused(PeerUnavailable):
    """The SMP's answer is not trustworthy (bad or missing signature, untrusted certificate,
    about another participant, unreadable): nothing is sent; looked up again later."""


class SmpLookupFailed(PeerRefused):
    """The SMP refused the question itself (a 4xx other than 404/410)."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _max_age(response: httpx.Response) -> float | None:
    header = response.headers.get("cache-control", "")
    if _NO_CACHE.search(header):
        return 0.0
    found = _MAX_AGE.search(header)
    return float(found.group(1)) if found else None


@dataclass(frozen=True, slots=True)
class _Cached:
    expires_at: float
    endpoint: PeppolEndpoint | None


class SmpLookup:
    """Finds endpoints through an SMP; holds its HTTP client and its cache (close it)."""

    def __init__(
        self,
        *,
        trust: TrustAnchors,
        smp_url: str = "",
        locator: SmpLocator | None = None,
        timeout_seconds: float = 10.0,
        cache_seconds: float = 3600.0,
        negative_cache_seconds: float = 300.0,
        transport_profile: str = AS4_TRANSPORT_PROFILE,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.trust = trust
        self.smp_url = smp_url.rstrip("/")
        self.locator: SmpLocator = locator or FixedSmp(smp_url)
        self.cache_seconds = cache_seconds
        self.negative_cache_seconds = negative_cache_seconds
        self.transport_profile = transport_profile
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str], _Cached] = OrderedDict()
        self._asking: dict[tuple[str, str], asyncio.Future[PeppolEndpoint | None]] = {}
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            headers={"User-Agent": f"Comptoir/{__version__} (peppol smp lookup)"},
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SmpLookup:
        locator: SmpLocator
        if settings.peppol_smp_url:
            locator = FixedSmp(settings.peppol_smp_url)
        elif settings.peppol_sml_method == "cname":
            locator = SmlCname(settings.peppol_sml_zone)
        else:
            locator = SmlNaptr(
                settings.peppol_sml_zone,
                nameserver=settings.peppol_sml_nameserver,
                timeout_seconds=settings.peppol_smp_timeout_seconds,
            )
        trust = TrustAnchors.from_file(settings.peppol_smp_trust_anchors_file)
        if not trust.anchors:
            logger.warning(
                "COMPTOIR_PEPPOL_SMP_TRUST_ANCHORS_FILE has no root certificate: every SMP "
                "answer will be refused (no Peppol sending can succeed)"
            )
        options: dict[str, object] = {
            "trust": trust,
            "smp_url": settings.peppol_smp_url,
            "locator": locator,
            "timeout_seconds": settings.peppol_smp_timeout_seconds,
            "cache_seconds": settings.peppol_smp_cache_seconds,
            "negative_cache_seconds": settings.peppol_smp_negative_cache_seconds,
        } | overrides
        return cls(**options)  # type: ignore[arg-type]

    async def aclose(self) -> None:
        await self._client.aclose()

    async def smp_base_url(self, participant: FrenchParticipant) -> str | None:
        """The participant's SMP (None: the SML knows no SMP for it)."""
        try:
            return await self.locator.smp_url(participant)
        except SmlUnavailable as error:
            raise SmpUnavailable(str(error)) from None

    @staticmethod
    def service_group_url(base: str, participant: FrenchParticipant) -> str:
        return f"{base.rstrip('/')}/{quote(participant.uri, safe='')}"

    @staticmethod
    def service_metadata_url(base: str, participant: FrenchParticipant, document_type: str) -> str:
        document = quote(f"{DOCUMENT_SCHEME}::{document_type_value(document_type)}", safe="")
        return f"{SmpLookup.service_group_url(base, participant)}/services/{document}"

    async def _get(self, url: str) -> httpx.Response | None:
        """The SMP's answer, None for « unknown », or the typed failure."""
        try:
            response = await self._client.get(url)
        except httpx.TimeoutException:
            raise SmpUnavailable(f"l'SMP n'a pas répondu à temps ({url})") from None
        except httpx.HTTPError as error:
            raise SmpUnavailable(f"l'SMP est injoignable ({url}) : {error}") from None
        if response.status_code in (404, 410):
            return None
        if response.status_code == 429 or response.status_code >= 500:
            raise SmpUnavailable(
                f"l'SMP a répondu {response.status_code} ({url})",
                retry_after_seconds=_retry_after(response),
            )
        if response.status_code != 200:
            raise SmpLookupFailed(
                f"l'SMP a refusé la question ({response.status_code}, {url})",
                status=response.status_code,
            )
        return response

    async def service_group(self, participant: FrenchParticipant | str) -> ServiceGroup | None:
        """The participant's ServiceGroup (its document types), None if the SMP has none.
        Not signed in SMP 1.x, hence not used for routing: only `find_endpoint` is."""
        found = self._participant(participant)
        if found is None:
            return None
        base = await self.smp_base_url(found)
        if base is None:
            return None
        response = await self._get(self.service_group_url(base, found))
        if response is None:
            return None
        try:
            group = read_service_group(response.content)
        except SmpDocumentInvalid as error:
            raise SmpAnswerRefused(str(error)) from None
        if group.participant.lower() != found.identifier.lower():
            raise SmpAnswerRefused("l'SMP a répondu pour un autre participant")
        return group

    @staticmethod
    def _participant(participant: FrenchParticipant | str) -> FrenchParticipant | None:
        if isinstance(participant, FrenchParticipant):
            return participant
        try:
            return FrenchParticipant.parse(participant)
        except InvalidParticipant:
            return None  # not a French participant: no SMP of ours can name it

    async def find_endpoint(
        self, participant: FrenchParticipant | str, document_type: str
    ) -> PeppolEndpoint | None:
        """The AS4 endpoint at which `participant` receives `document_type` (with or without
        its `busdox-docid-qns::` scheme), None if it has none in effect now."""
        found = self._participant(participant)
        if found is None:
            return None
        document = document_type_value(document_type)
        key = (found.key, document)
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None and cached.expires_at > now:
            self._cache.move_to_end(key)
            return cached.endpoint
        # One question per participant and document type at a time: the outbox delivers
        # several invoices to one buyer at once, and they all wait for the same answer.
        asking = self._asking.get(key)
        if asking is None:
            asking = asyncio.ensure_future(self._ask_and_remember(key, found, document, now))
            self._asking[key] = asking
            asking.add_done_callback(lambda _done: self._asking.pop(key, None))
        return await asyncio.shield(asking)

    async def _ask_and_remember(
        self, key: tuple[str, str], participant: FrenchParticipant, document: str, now: float
    ) -> PeppolEndpoint | None:
        endpoint, lifetime = await self._ask(participant, document)
        self._remember(key, _Cached(now + lifetime, endpoint))
        return endpoint

    def _remember(self, key: tuple[str, str], cached: _Cached) -> None:
        self._cache[key] = cached
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        """Empty the cache (a configuration change, a test)."""
        self._cache.clear()

    async def _ask(
        self, participant: FrenchParticipant, document_type: str
    ) -> tuple[PeppolEndpoint | None, float]:
        base = await self.smp_base_url(participant)
        if base is None:
            return None, self.negative_cache_seconds
        response = await self._get(self.service_metadata_url(base, participant, document_type))
        if response is None:
            return None, self.negative_cache_seconds
        moment = dt.datetime.now(dt.UTC)
        try:
            metadata = await read_signed_service_metadata(response.content, self.trust, moment)
        except (SmpDocumentInvalid, SmpSignatureInvalid) as error:
            raise SmpAnswerRefused(str(error)) from None
        if metadata.participant.lower() != participant.identifier.lower():
            raise SmpAnswerRefused("l'SMP a répondu pour un autre participant")
        if metadata.document_type != document_type:
            raise SmpAnswerRefused("l'SMP a répondu pour un autre type de document")
        endpoint = next(
            (
                e
                for e in metadata.endpoints
                if e.transport_profile == self.transport_profile and e.in_effect(moment)
            ),
            None,
        )
        if endpoint is None:
            return None, self.negative_cache_seconds
        certificate = endpoint.certificate
        if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
            # The SMP vouches for a certificate that cannot work now (its access point must
            # renew it): not « unknown », which would end the routing; looked up again later.
            raise SmpAnswerRefused(
                "le certificat du point d'accès publié par l'SMP n'est pas valide "
                f"(du {certificate.not_valid_before_utc:%Y-%m-%d} "
                f"au {certificate.not_valid_after_utc:%Y-%m-%d})"
            )
        limits = [
            self.cache_seconds,
            (endpoint.certificate.not_valid_after_utc - moment).total_seconds(),
        ]
        max_age = _max_age(response)
        if max_age is not None:
            limits.append(max_age)
        if endpoint.expiration is not None:
            limits.append((endpoint.expiration - moment).total_seconds())
        lifetime = max(min(limits), 0.0)
        return (
            PeppolEndpoint(
                url=endpoint.url,
                certificate_pem=endpoint.certificate.public_bytes(serialization.Encoding.PEM),
                transport_profile=endpoint.transport_profile,
            ),
            max(lifetime, 0.0),
        )
