"""What every transport to another platform speaks: a parcel (one file for one organisation
of the other platform) goes out, the other platform's flow id comes back, or an error that says
whether trying again later may succeed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from api.core.settings import PeerPlatform


@dataclass(frozen=True, slots=True)
class Parcel:
    """One file for `organization` (the SIREN of the buyer, or of the seller for a lifecycle
    message) at the other platform. `tracking_id` names it on both sides: sending the same
    parcel again is recognised by the other platform (same file, same organisation)."""

    content: bytes
    name: str
    syntax: str  # the annex's FlowSyntax: CII, UBL, Factur-X, CDAR
    organization: str
    tracking_id: str
    sha256: str
    # Over Peppol (api.adapters.transport.peppol): the parties' directory addressing
    # identifiers (SIREN, SIREN_SIRET, …), the recipient's defaulting to `organization`.
    sender: str = ""
    recipient: str = ""


@dataclass(frozen=True, slots=True)
class Sent:
    remote_flow_id: str


class PeerUnavailable(Exception):
    """The other platform did not take the parcel (down, timeout, 5xx, 429): try again later,
    not before `retry_after_seconds` when it said so."""

    def __init__(self, detail: str, *, retry_after_seconds: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class PeerRefused(Exception):
    """The other platform refused the parcel for a reason a retry will not change (4xx): bad
    credentials, an organisation it does not serve, a file it rejects."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


class Transport(Protocol):
    async def send(self, peer: PeerPlatform, parcel: Parcel) -> Sent:
        """Hand `parcel` to `peer`; raises `PeerUnavailable` or `PeerRefused`."""
        ...

    async def check(self, peer: PeerPlatform) -> None:
        """Whether `peer` accepts our credentials (raises like `send`)."""
        ...

    async def aclose(self) -> None: ...


class NetworkTransport(Protocol):
    """A transport that finds the receiving access point itself, from the parcel's recipient
    (Peppol: an SMP lookup): for platforms that are not configured peers."""

    async def send(self, parcel: Parcel) -> Sent:
        """Hand `parcel` to its recipient's access point; raises `PeerUnavailable` or
        `PeerRefused`."""
        ...

    async def aclose(self) -> None: ...
