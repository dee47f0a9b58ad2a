"""A DNS server on loopback (UDP, in the test's event loop) playing the Peppol SML: it answers
NAPTR queries for the names it was given, NXDOMAIN for any other, and can stay silent (a DNS
outage). Built with dnspython's message functions; the lookup asks it with dnspython's resolver
like it would ask the system's."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset


@dataclass
class SmlServer:
    port: int = 0
    records: dict[str, str] = field(default_factory=dict)  # name → NAPTR rdata text
    silent: bool = False
    asked: list[str] = field(default_factory=list)

    def publish(self, name: str, smp_url: str) -> None:
        self.records[name.lower().rstrip(".") + "."] = f'100 10 "U" "Meta:SMP" "!^.*$!{smp_url}!" .'

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().lower()
        self.asked.append(name)
        if self.silent:
            return None
        response = dns.message.make_response(query)
        rdata = self.records.get(name)
        if rdata is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.NAPTR:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "NAPTR", rdata))
        return bytes(response.to_wire())


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server: SmlServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram one, from the loop

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.server.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


@contextlib.asynccontextmanager
async def sml_server() -> AsyncIterator[SmlServer]:
    server = SmlServer()
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Protocol(server), local_addr=("127.0.0.1", 0)
    )
    server.port = transport.get_extra_info("sockname")[1]
    try:
        yield server
    finally:
        transport.close()
