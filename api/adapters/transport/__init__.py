"""Transports to other approved platforms (PA): one interface (`Transport`), one real
implementation per protocol: the XP Z12-013 Flow Service of a configured peer over HTTP
(`HttpTransport`), and Peppol AS4 to any other platform's access point (`NetworkTransport`,
`api.adapters.transport.peppol`)."""

from api.adapters.transport.base import (
    NetworkTransport,
    Parcel,
    PeerRefused,
    PeerUnavailable,
    Sent,
    Transport,
)
from api.adapters.transport.http import HttpTransport

__all__ = [
    "HttpTransport",
    "NetworkTransport",
    "Parcel",
    "PeerRefused",
    "PeerUnavailable",
    "Sent",
    "Transport",
]
