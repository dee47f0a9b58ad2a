"""Transports to other approved platforms (PA): one interface (`Transport`), one real
implementation per protocol. This issue: the XP Z12-013 Flow Service over HTTP (`HttpTransport`);
Peppol AS4 is the next one."""

from api.adapters.transport.base import (
    Parcel,
    PeerRefused,
    PeerUnavailable,
    Sent,
    Transport,
)
from api.adapters.transport.http import HttpTransport

__all__ = ["HttpTransport", "Parcel", "PeerRefused", "PeerUnavailable", "Sent", "Transport"]
