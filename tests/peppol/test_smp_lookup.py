"""Participant lookup over real HTTP: our SMP served by uvicorn on loopback, read through a
relay that can fail or alter answers. A registered participant's endpoint is found, verified
and cached until its expiry; « unknown » is None; an SMP down is a retryable error; an altered,
unsigned or untrusted answer is refused."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.core.settings import Settings
from api.models.client import PaStatus
from api.peppol.identifiers import FrenchParticipant
from api.peppol.smp.catalogue import (
    AS4_TRANSPORT_PROFILE,
    BILLING_PROCESS,
    CDAR_STATUS,
    DOCUMENT_TYPES,
    UBL_INVOICE,
)
from api.peppol.smp.lookup import (
    PeppolEndpoint,
    SmpAnswerRefused,
    SmpLookup,
    SmpLookupFailed,
    SmpUnavailable,
)
from api.peppol.smp.service_metadata import Endpoint, ServiceMetadata, signed_service_metadata_xml
from api.peppol.smp.sml import FixedSmp, SmlCname, SmlNaptr, cname_host, naptr_name
from api.peppol.smp.trust import TrustAnchors
from tests.live import free_port
from tests.peppol.dns_peer import sml_server
from tests.peppol.pki import Pki
from tests.peppol.smp_peer import Fault, Relay, designated_client, serving

SERVED, WITHDRAWN, UNKNOWN = "610869075", "414617811", "732829320"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Smp:
    relay: Relay
    lookup: SmpLookup
    clock: Clock


@pytest.fixture
async def smp(
    smp_app: FastAPI, session: AsyncSession, firm_id: uuid.UUID, pki: Pki
) -> AsyncIterator[Smp]:
    await designated_client(session, firm_id, SERVED)
    await designated_client(session, firm_id, WITHDRAWN, status=PaStatus.DEREGISTERED)
    async with serving(smp_app) as smp_base:
        relay = Relay(upstream=smp_base)
        async with serving(relay.app()) as relay_base:
            clock = Clock()
            lookup = SmpLookup(
                trust=TrustAnchors.from_pem(pki.trust_anchors_pem),
                smp_url=relay_base + "/smp",
                cache_seconds=3600,
                negative_cache_seconds=300,
                clock=clock,
            )
            try:
                yield Smp(relay, lookup, clock)
            finally:
                await lookup.aclose()


async def test_a_registered_participant_has_our_as4_endpoint(smp: Smp, pki: Pki) -> None:
    endpoint = await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)

    assert endpoint == PeppolEndpoint(
        url="https://testserver/peppol/as4",
        certificate_pem=pki.ap_a.certificate_pem,
        transport_profile=AS4_TRANSPORT_PROFILE,
    )
    assert smp.relay.asked == [
        "/smp/iso6523-actorid-upis::0225:610869075/services/busdox-docid-qns::"
        + UBL_INVOICE.replace("#", "%23")
    ]


@pytest.mark.parametrize("document_type", [CDAR_STATUS, f"busdox-docid-qns::{UBL_INVOICE}"])
async def test_document_types_are_asked_with_or_without_their_scheme(
    smp: Smp, document_type: str
) -> None:
    participant = FrenchParticipant.parse(f"0225:{SERVED}_FACTURES")

    endpoint = await smp.lookup.find_endpoint(participant, document_type)

    assert endpoint is not None
    assert endpoint.url.endswith("/peppol/as4")


@pytest.mark.parametrize(
    "participant",
    [f"0225:{WITHDRAWN}", f"0225:{UNKNOWN}", "0088:5798000000001", "0225:pas-un-siren"],
)
async def test_a_participant_we_do_not_find_is_none(smp: Smp, participant: str) -> None:
    assert await smp.lookup.find_endpoint(participant, UBL_INVOICE) is None


async def test_a_document_type_the_participant_does_not_take_is_none(smp: Smp) -> None:
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", "urn:autre::Doc##x::1") is None


async def test_the_service_group_lists_the_document_types(smp: Smp) -> None:
    group = await smp.lookup.service_group(f"0225:{SERVED}")

    assert group is not None
    assert group.participant == f"0225:{SERVED}"
    assert len(group.references) == len(DOCUMENT_TYPES)
    assert await smp.lookup.service_group(f"0225:{UNKNOWN}") is None


async def test_an_answer_is_reused_until_it_expires(smp: Smp) -> None:
    """Our SMP says `max-age=300`: the answer is reused for five minutes, then asked again."""
    first = await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    smp.clock.now += 299
    again = await smp.lookup.find_endpoint(f"iso6523-actorid-upis::0225:{SERVED}", UBL_INVOICE)
    assert again == first
    assert len(smp.relay.asked) == 1  # the cache answered

    smp.clock.now += 2
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) == first
    assert len(smp.relay.asked) == 2


async def test_a_longer_max_age_is_capped_by_our_cache_setting(smp: Smp) -> None:
    smp.relay.cache_control = "public, max-age=86400"
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    smp.clock.now += 3599  # peppol_smp_cache_seconds is 3600 here
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    assert len(smp.relay.asked) == 1

    smp.clock.now += 2
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    assert len(smp.relay.asked) == 2


async def test_the_smps_max_age_shortens_the_reuse(smp: Smp) -> None:
    smp.relay.cache_control = "public, max-age=60"
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    smp.clock.now += 59
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    smp.clock.now += 2
    await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)

    assert len(smp.relay.asked) == 2


async def test_unknown_is_reused_for_the_shorter_negative_delay(smp: Smp) -> None:
    for _ in range(3):
        assert await smp.lookup.find_endpoint(f"0225:{UNKNOWN}", UBL_INVOICE) is None
    assert len(smp.relay.asked) == 1
    smp.clock.now += 301
    assert await smp.lookup.find_endpoint(f"0225:{UNKNOWN}", UBL_INVOICE) is None
    assert len(smp.relay.asked) == 2


async def test_an_smp_answering_503_is_retried_later_after_its_retry_after(smp: Smp) -> None:
    smp.relay.fail_next(Fault(status=503, retry_after="120"))

    with pytest.raises(SmpUnavailable) as refused:
        await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    assert refused.value.retry_after_seconds == 120

    # nothing was cached: the next lookup asks again, and finds it
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) is not None


async def test_an_smp_refusing_the_question_is_not_retried(smp: Smp) -> None:
    smp.relay.fail_next(Fault(status=400))

    with pytest.raises(SmpLookupFailed):
        await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)


async def test_an_smp_down_is_retryable(pki: Pki) -> None:
    lookup = SmpLookup(
        trust=TrustAnchors.from_pem(pki.trust_anchors_pem),
        smp_url=f"http://127.0.0.1:{free_port()}/smp",  # nothing listens there
    )
    try:
        with pytest.raises(SmpUnavailable, match="injoignable"):
            await lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    finally:
        await lookup.aclose()


def _other_address(content: bytes) -> bytes:
    return content.replace(b"https://testserver/peppol/as4", b"https://attaquant.example/as4")


def _unsigned(content: bytes) -> bytes:
    return re.sub(rb"<ds:Signature.*</ds:Signature>", b"", content, flags=re.DOTALL)


def _with_doctype(content: bytes) -> bytes:
    return content.replace(b"?>", b'?>\n<!DOCTYPE x [<!ENTITY e "e">]>', 1)


def _wrapped(content: bytes) -> bytes:
    """The signed metadata moved inside an element the reader might pick by mistake, another
    endpoint address in its place (XML signature wrapping)."""
    start = content.index(b"<ServiceMetadata>")
    end = content.index(b"</ServiceMetadata>") + len(b"</ServiceMetadata>")
    original = content[start:end]
    return (
        content[:start]
        + _other_address(original)
        + content[end:].replace(
            b"</SignedServiceMetadata>",
            b"<Extension>" + original + b"</Extension></SignedServiceMetadata>",
        )
    )


@pytest.mark.parametrize(
    ("rewrite", "reason"),
    [
        (_other_address, "signature"),
        (_unsigned, "non signée"),
        (_with_doctype, "DOCTYPE"),
        (_wrapped, "signature"),
        (lambda _content: b"<pas du xml", "illisible"),
    ],
    ids=["altered endpoint", "signature removed", "doctype", "signature wrapping", "not xml"],
)
async def test_an_altered_answer_is_refused(smp: Smp, rewrite: object, reason: str) -> None:
    smp.relay.fail_next(Fault(rewrite=rewrite))  # type: ignore[arg-type]

    with pytest.raises(SmpAnswerRefused, match=reason):
        await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    # refused answers are not cached: the genuine one is read next time
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) is not None


async def test_an_answer_signed_by_an_smp_we_do_not_trust_is_refused(smp: Smp, pki: Pki) -> None:
    distrustful = SmpLookup(
        trust=TrustAnchors.from_pem(pki.unrelated_root.certificate_pem),
        smp_url=smp.lookup.smp_url,
    )
    try:
        with pytest.raises(SmpAnswerRefused, match="non reconnu"):
            await distrustful.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    finally:
        await distrustful.aclose()


async def test_an_answer_about_another_participant_is_refused(smp: Smp) -> None:
    # the SMP's genuine, signed answer about SERVED, given to a question about UNKNOWN
    smp.relay.fail_next(Fault(reroute=lambda path: path.replace(UNKNOWN, SERVED)))

    with pytest.raises(SmpAnswerRefused, match="autre participant"):
        await smp.lookup.find_endpoint(f"0225:{UNKNOWN}", UBL_INVOICE)


# Published vectors of other Peppol implementations (identifier value → SML label).
@pytest.mark.parametrize(
    ("identifier", "label"),
    [
        ("0192:991825827", "7i2243uolq5qzb6jxfvi6yei4iq7sfipkv55htzfnr6s54y6yufa"),
        ("9999:elonia", "hsh3fmc5cyerdv5j6ln6mmqcn2pp2ucyvczrwueahosobvikb6kq"),
        ("9999:ELONIA", "hsh3fmc5cyerdv5j6ln6mmqcn2pp2ucyvczrwueahosobvikb6kq"),
    ],
)
def test_the_naptr_name_is_the_base32_sha256_of_the_lowercased_identifier(
    identifier: str, label: str
) -> None:
    zone = "edelivery.tech.ec.europa.eu"
    assert naptr_name(identifier, zone) == f"{label}.iso6523-actorid-upis.{zone}"


@pytest.mark.parametrize(
    ("identifier", "digest"),
    [
        ("0192:991825827", "9823154777831486f5f30f7f41385a2a"),
        ("9917:5504033150", "2f67a0710cbc13c11ac8c0d64186ac5e"),
        ("9915:TEST", "85008b8279e07ab0392da75fa55856a2"),
    ],
)
def test_the_legacy_host_is_b_and_the_md5_of_the_lowercased_identifier(
    identifier: str, digest: str
) -> None:
    zone = "edelivery.tech.ec.europa.eu"
    assert cname_host(identifier, zone) == f"B-{digest}.iso6523-actorid-upis.{zone}"


async def test_through_the_sml_the_smp_named_by_naptr_is_asked_at_its_root(
    smp_app: FastAPI, session: AsyncSession, firm_id: uuid.UUID, pki: Pki
) -> None:
    """Production's way: the SML (a DNS server on loopback) names the participant's SMP by a
    NAPTR record; the SMP is reached at that URL's root (our /smp behind a reverse proxy, as
    docs/peppol-smp.md says to deploy it). A participant without a record is not on Peppol."""
    await designated_client(session, firm_id, SERVED)
    zone = "sml.comptoir.test"
    async with (
        serving(smp_app) as smp_base,
        serving((proxy := Relay(upstream=smp_base + "/smp")).app()) as proxy_base,
        sml_server() as sml,
    ):
        sml.publish(naptr_name(f"0225:{SERVED}", zone), proxy_base + "/")
        lookup = SmpLookup(
            trust=TrustAnchors.from_pem(pki.trust_anchors_pem),
            locator=SmlNaptr(zone, nameserver=sml.nameserver, timeout_seconds=2),
        )
        try:
            endpoint = await lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
            unknown = await lookup.find_endpoint(f"0225:{UNKNOWN}", UBL_INVOICE)
        finally:
            await lookup.aclose()

    assert endpoint is not None
    assert endpoint.certificate_pem == pki.ap_a.certificate_pem
    assert unknown is None
    assert sml.asked == [
        naptr_name(f"0225:{SERVED}", zone) + ".",
        naptr_name(f"0225:{UNKNOWN}", zone) + ".",
    ]
    assert proxy.asked[0].startswith("/iso6523-actorid-upis::0225:610869075/services/")
    assert len(proxy.asked) == 1  # nothing asked for the participant the SML does not know


async def test_an_sml_that_does_not_answer_is_retryable(pki: Pki) -> None:
    async with sml_server() as sml:
        sml.silent = True
        lookup = SmpLookup(
            trust=TrustAnchors.from_pem(pki.trust_anchors_pem),
            locator=SmlNaptr("sml.comptoir.test", nameserver=sml.nameserver, timeout_seconds=0.5),
        )
        try:
            with pytest.raises(SmpUnavailable, match="SML ne répond pas"):
                await lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
        finally:
            await lookup.aclose()


@pytest.mark.parametrize(
    ("overrides", "locator"),
    [
        ({"peppol_smp_url": "http://smp.test/"}, FixedSmp),
        ({"peppol_sml_method": "cname"}, SmlCname),
        ({"peppol_sml_nameserver": "127.0.0.1:5353"}, SmlNaptr),
    ],
)
async def test_the_settings_choose_where_the_smp_is_found(
    settings: Settings, overrides: dict[str, str], locator: type
) -> None:
    lookup = SmpLookup.from_settings(Settings(**(settings.model_dump() | overrides)))
    try:
        assert isinstance(lookup.locator, locator)
        participant = FrenchParticipant.parse(f"0225:{SERVED}")
        if locator is FixedSmp:
            assert await lookup.smp_base_url(participant) == "http://smp.test"
        if locator is SmlCname:
            host = cname_host(f"0225:{SERVED}", "edelivery.tech.ec.europa.eu")
            assert await lookup.smp_base_url(participant) == f"http://{host}"
    finally:
        await lookup.aclose()


async def test_an_endpoint_whose_certificate_expired_is_refused_not_unknown(pki: Pki) -> None:
    """Another platform's SMP (a peer on loopback answering one signed document) vouches for
    its access point with a certificate that ended yesterday, without an expiration date."""
    metadata = ServiceMetadata(
        participant=f"0225:{SERVED}",
        document_type=UBL_INVOICE,
        endpoints=(
            Endpoint(
                process=BILLING_PROCESS,
                transport_profile=AS4_TRANSPORT_PROFILE,
                url="https://ailleurs.test/as4",
                certificate=pki.expired_ap.certificate,
            ),
        ),
    )
    signed = signed_service_metadata_xml(
        metadata, pki.smp_b.private_key, [pki.smp_b.certificate, pki.smp_ca.certificate]
    )

    async def answer(_request: Request) -> Response:
        return Response(signed, media_type="text/xml")

    peer = Starlette(routes=[Route("/{path:path}", answer)])
    async with serving(peer) as base:
        lookup = SmpLookup(trust=TrustAnchors.from_pem(pki.trust_anchors_pem), smp_url=base)
        try:
            with pytest.raises(SmpAnswerRefused, match="certificat du point d'accès"):
                await lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
        finally:
            await lookup.aclose()


async def test_without_trust_anchors_every_answer_is_refused_and_says_why(smp: Smp) -> None:
    unconfigured = SmpLookup(trust=TrustAnchors(), smp_url=smp.lookup.smp_url)
    try:
        with pytest.raises(SmpAnswerRefused, match="aucune autorité de confiance"):
            await unconfigured.find_endpoint(f"0225:{SERVED}", UBL_INVOICE)
    finally:
        await unconfigured.aclose()


async def test_simultaneous_lookups_of_one_participant_ask_the_smp_once(smp: Smp) -> None:
    found = await asyncio.gather(
        *(smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) for _ in range(5))
    )

    assert all(endpoint is not None and endpoint == found[0] for endpoint in found)
    assert len(smp.relay.asked) == 1
    # (another document type is another question; asked after, since the SMP under test
    # shares the test's one database connection and answers one request at a time)
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", CDAR_STATUS) is not None
    assert len(smp.relay.asked) == 2


async def test_simultaneous_lookups_share_a_failure_and_the_next_one_asks_again(
    smp: Smp,
) -> None:
    smp.relay.fail_next(Fault(status=503))

    outcomes = await asyncio.gather(
        *(smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) for _ in range(3)),
        return_exceptions=True,
    )

    assert all(isinstance(outcome, SmpUnavailable) for outcome in outcomes)
    assert len(smp.relay.asked) == 1
    assert await smp.lookup.find_endpoint(f"0225:{SERVED}", UBL_INVOICE) is not None
