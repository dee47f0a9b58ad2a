"""Where a participant's SMP is: the SML (Service Metadata Locator), Peppol's DNS.

Every Peppol participant's SMP is published in DNS under the SML's zone, in one of two ways
(Peppol SML specification; the NAPTR way is the one Peppol requires since 2025):

- `naptr`: a U-NAPTR record (service `Meta:SMP`) at `<label>.iso6523-actorid-upis.<zone>`,
  the label being base32(sha256(lowercased identifier value)) without padding, lowercased,
  whose regular expression `!^.*$!<SMP URL>!` gives the SMP's base URL;
- `cname`: the legacy name `B-<md5(lowercased identifier value)>.iso6523-actorid-upis.<zone>`,
  itself the SMP's host, reached at `http://<name>/`.

No record for the name (NXDOMAIN, no NAPTR answer) means the participant is not on Peppol: the
lookup answers None. A DNS failure (timeout, no server answering) is `SmlUnavailable`, retried.
The `naptr` resolution uses dnspython's asyncio resolver, against the system's resolvers or the
ones configured (`peppol_sml_nameserver`, as the tests do with a DNS server on loopback).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver

from api.peppol.identifiers import PARTICIPANT_SCHEME, FrenchParticipant

_SMP_SERVICE = b"meta:smp"
# What Peppol publishes: the whole name replaced by the SMP's URL.
_WHOLE_NAME = "^.*$"


class SmlUnavailable(Exception):
    """The SML's DNS did not answer (timeout, servers failing): try again later."""


def naptr_name(identifier: str, zone: str) -> str:
    """The NAPTR name of a participant of scheme iso6523-actorid-upis (`identifier`: its value,
    `0225:…`)."""
    digest = hashlib.sha256(identifier.lower().encode()).digest()
    label = base64.b32encode(digest).decode().rstrip("=").lower()
    return f"{label}.{PARTICIPANT_SCHEME}.{zone.strip('.')}"


def cname_host(identifier: str, zone: str) -> str:
    """The legacy host name of a participant's SMP (`identifier`: its value, `0225:…`)."""
    digest = hashlib.md5(identifier.lower().encode(), usedforsecurity=False)
    return f"B-{digest.hexdigest()}.{PARTICIPANT_SCHEME}.{zone.strip('.')}"


class SmpLocator(Protocol):
    async def smp_url(self, participant: FrenchParticipant) -> str | None:
        """The base URL of the participant's SMP; None if it has none (not on Peppol)."""
        ...


class FixedSmp:
    """One SMP for every participant (tests, a self-hoster's private network)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    async def smp_url(self, participant: FrenchParticipant) -> str | None:
        return self.url


class SmlCname:
    """The legacy SML names: the participant's SMP is the host `B-<md5>…`."""

    def __init__(self, zone: str) -> None:
        self.zone = zone

    async def smp_url(self, participant: FrenchParticipant) -> str | None:
        return f"http://{cname_host(participant.identifier, self.zone)}"


def _smp_url_of(regexp: str) -> str | None:
    """The URL a U-NAPTR regular expression substitutes: `!^.*$!https://smp.example/!`."""
    if len(regexp) < 3:
        return None
    delimiter = regexp[0]
    parts = regexp[1:].split(delimiter)
    if (
        len(parts) != 3
        or parts[0] != _WHOLE_NAME
        or not parts[1].startswith(("http://", "https://"))
    ):
        return None
    return parts[1].rstrip("/")


class SmlNaptr:
    """The current SML: a NAPTR record names the participant's SMP."""

    def __init__(self, zone: str, *, nameserver: str = "", timeout_seconds: float = 5.0) -> None:
        self.zone = zone
        self.timeout_seconds = timeout_seconds
        if nameserver:
            host, _, port = (
                nameserver.rpartition(":") if ":" in nameserver else (nameserver, "", "")
            )
            self.resolver = dns.asyncresolver.Resolver(configure=False)
            self.resolver.nameservers = [host or nameserver]
            self.resolver.port = int(port) if port else 53
        else:
            self.resolver = dns.asyncresolver.Resolver()

    async def smp_url(self, participant: FrenchParticipant) -> str | None:
        name = naptr_name(participant.identifier, self.zone)
        try:
            answer = await self.resolver.resolve(
                name, dns.rdatatype.NAPTR, lifetime=self.timeout_seconds
            )
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
            raise SmlUnavailable(f"le SML ne répond pas ({name}) : {error}") from None
        records = sorted(answer, key=lambda record: (record.order, record.preference))
        for record in records:
            if record.flags.lower() == b"u" and record.service.lower() == _SMP_SERVICE:
                url = _smp_url_of(record.regexp.decode())
                if url:
                    return url
        return None
