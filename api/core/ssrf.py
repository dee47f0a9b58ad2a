"""Outgoing URLs chosen by users (webhook receivers) must not reach the server's own network.

The host is resolved and every address must be public: no loopback, private (RFC 1918, ULA),
link-local (cloud metadata lives at 169.254.169.254), multicast, reserved or unspecified.
Checked when the URL is saved and again before each delivery (DNS may have changed since).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    """The French reason is the message."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_public_url(url: str, *, allow_private: bool = False) -> None:
    """Raise `UnsafeUrl` unless `url` is http(s) and every address of its host is public."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise UnsafeUrl("Adresse invalide : une URL http(s) complète est attendue.")
    if parts.username or parts.password:
        raise UnsafeUrl("L'adresse ne doit pas contenir d'identifiants.")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname,
            parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except socket.gaierror as exc:
        raise UnsafeUrl(f"Nom d'hôte introuvable : {parts.hostname}.") from exc
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_is_public(address) for address in addresses):
        raise UnsafeUrl(
            "Cette adresse mène à un réseau privé, local ou réservé : elle est refusée."
        )
