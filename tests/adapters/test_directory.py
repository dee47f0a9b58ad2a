"""The national directory's rules, held by both implementations: the embedded directory (on
SQLite and PostgreSQL, like the whole suite) and the HTTP adapter against a real Directory
Service peer on loopback. Then what only the network can do: outages, slowness, lost replies.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import (
    AfnorDirectory,
    AlreadyEnded,
    AlreadyRegistered,
    Conflict,
    Directory,
    DirectoryAddress,
    Ended,
    EndLine,
    Found,
    LocalDirectory,
    LookUpAddress,
    OverlapRefused,
    PermanentFailure,
    Registered,
    RegisterLine,
    TransientFailure,
    build_directory,
    directory_outcome_from_json,
    directory_request_from_json,
)
from api.core.settings import Settings
from tests.peers.directory_server import DirectoryServer, Fault, directory_server

OUR_PLATFORM, OTHER_PLATFORM = "0042", "0099"
OUR_TOKEN, OTHER_TOKEN = "jeton-comptoir", "jeton-autre-pa"
SIREN = "356000000"
START = date(2026, 9, 1)


@dataclass
class Platforms:
    ours: Directory
    other: Directory


def register(
    siren: str = SIREN,
    *,
    key: str = "k1",
    start: date = START,
    end: date | None = None,
    **narrow: str,
) -> RegisterLine:
    return RegisterLine(
        address=DirectoryAddress(siren=siren, **narrow),
        date_from=start,
        date_to=end,
        idempotency_key=key,
    )


async def lines_of(directory: Directory, siren: str = SIREN, **narrow: str) -> Found:
    found = await directory.attempt(LookUpAddress(address=DirectoryAddress(siren=siren, **narrow)))
    assert isinstance(found, Found)
    return found


def afnor_settings(
    settings: Settings, peer_url: str, *, token: str = OUR_TOKEN, **overrides: object
) -> Settings:
    return settings.model_copy(
        update={
            "directory": "afnor",
            "directory_url": peer_url,
            "directory_token": SecretStr(token),
            "directory_platform_id": OUR_PLATFORM,
            "directory_timeout_seconds": 15.0,  # only the timeout tests shorten it
        }
        | overrides
    )


@pytest.fixture
def peer() -> Iterator[DirectoryServer]:
    with directory_server({OUR_TOKEN: OUR_PLATFORM, OTHER_TOKEN: OTHER_PLATFORM}) as peer:
        yield peer


@pytest.fixture(params=["local", "afnor"])
async def platforms(
    request: pytest.FixtureRequest,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Platforms]:
    if request.param == "local":
        yield Platforms(
            ours=LocalDirectory(sessionmaker, OUR_PLATFORM),
            other=LocalDirectory(sessionmaker, OTHER_PLATFORM),
        )
        return
    peer: DirectoryServer = request.getfixturevalue("peer")
    ours = AfnorDirectory(afnor_settings(settings, peer.url))
    other = AfnorDirectory(
        afnor_settings(settings, peer.url, token=OTHER_TOKEN, directory_platform_id=OTHER_PLATFORM)
    )
    yield Platforms(ours=ours, other=other)
    await ours.aclose()
    await other.aclose()


# The rules, on both implementations.


async def test_registering_an_address_makes_this_platform_its_receiver(
    platforms: Platforms,
) -> None:
    outcome = await platforms.ours.attempt(register())

    assert isinstance(outcome, Registered)
    assert outcome.succeeded
    assert not outcome.retry_later
    assert (outcome.line.platform_id, outcome.line.date_from, outcome.line.date_to) == (
        OUR_PLATFORM,
        START,
        None,
    )
    found = await lines_of(platforms.other)
    assert found.lines == (outcome.line,)
    assert found.in_effect_on(date(2030, 1, 1)) == outcome.line
    assert found.in_effect_on(date(2026, 8, 31)) is None


async def test_replaying_an_idempotency_key_never_registers_twice(platforms: Platforms) -> None:
    first = await platforms.ours.attempt(register(key="client-1:activation-1"))
    again = await platforms.ours.attempt(register(key="client-1:activation-1"))

    assert isinstance(first, Registered)
    assert again == first
    assert len((await lines_of(platforms.ours)).lines) == 1


async def test_an_idempotency_key_reused_for_another_line_is_refused(
    platforms: Platforms,
) -> None:
    await platforms.ours.attempt(register(key="same"))

    outcome = await platforms.ours.attempt(register("552100554", key="same"))

    assert isinstance(outcome, PermanentFailure)
    assert outcome.status == 422
    assert (await lines_of(platforms.ours, "552100554")).lines == ()


async def test_registering_again_under_a_new_key_is_already_registered(
    platforms: Platforms,
) -> None:
    first = await platforms.ours.attempt(register(key="first"))

    outcome = await platforms.ours.attempt(register(key="second", start=date(2026, 10, 1)))

    assert isinstance(first, Registered)
    assert outcome == AlreadyRegistered(line=first.line)
    assert outcome.succeeded


async def test_a_line_held_by_another_platform_is_a_conflict(platforms: Platforms) -> None:
    theirs = await platforms.other.attempt(register(key="theirs"))

    outcome = await platforms.ours.attempt(register(key="ours"))

    assert isinstance(theirs, Registered)
    assert isinstance(outcome, Conflict)
    assert outcome.line == theirs.line
    assert outcome.line.platform_id == OTHER_PLATFORM
    assert not outcome.succeeded
    assert not outcome.retry_later


async def test_a_new_platform_takes_over_the_day_after_the_line_ends(
    platforms: Platforms,
) -> None:
    theirs = await platforms.other.attempt(register(key="theirs"))
    assert isinstance(theirs, Registered)
    await platforms.other.attempt(EndLine(line_id=theirs.line.line_id, date_to=date(2026, 12, 31)))

    too_early = await platforms.ours.attempt(register(key="ours-1", start=date(2026, 12, 31)))
    outcome = await platforms.ours.attempt(register(key="ours-2", start=date(2027, 1, 1)))

    assert isinstance(too_early, Conflict)
    assert isinstance(outcome, Registered)
    found = await lines_of(platforms.ours)
    assert [line.platform_id for line in found.lines] == [OTHER_PLATFORM, OUR_PLATFORM]
    assert found.in_effect_on(date(2026, 12, 31)).platform_id == OTHER_PLATFORM  # type: ignore[union-attr]
    assert found.in_effect_on(date(2027, 1, 1)) == outcome.line


async def test_our_own_ended_line_overlapping_the_period_is_refused(
    platforms: Platforms,
) -> None:
    first = await platforms.ours.attempt(register(key="first"))
    assert isinstance(first, Registered)
    await platforms.ours.attempt(EndLine(line_id=first.line.line_id, date_to=date(2026, 12, 31)))

    outcome = await platforms.ours.attempt(register(key="second", start=date(2026, 12, 1)))

    assert isinstance(outcome, OverlapRefused)
    assert outcome.line.line_id == first.line.line_id
    assert outcome.line.date_to == date(2026, 12, 31)
    assert len((await lines_of(platforms.ours)).lines) == 1


async def test_lines_of_different_addresses_never_collide(platforms: Platforms) -> None:
    siren_line = await platforms.other.attempt(register(key="siren"))
    siret_line = await platforms.ours.attempt(register(key="siret", siret=SIREN + "00048"))
    routed = await platforms.ours.attempt(
        register(key="routed", siret=SIREN + "00048", routing_identifier="SERVICE-ACHATS")
    )
    suffixed = await platforms.ours.attempt(register(key="suffix", addressing_suffix="FACTURES"))

    assert isinstance(siren_line, Registered)
    for outcome in (siret_line, routed, suffixed):
        assert isinstance(outcome, Registered)
    assert routed.line.address.addressing_identifier == "356000000_35600000000048_SERVICE-ACHATS"  # type: ignore[union-attr]
    assert [line.line_id for line in (await lines_of(platforms.ours)).lines] == [
        siren_line.line.line_id
    ]


async def test_ending_a_line_keeps_it_with_its_end_date(platforms: Platforms) -> None:
    registered = await platforms.ours.attempt(register())
    assert isinstance(registered, Registered)
    line_id = registered.line.line_id

    ended = await platforms.ours.attempt(EndLine(line_id=line_id, date_to=date(2027, 3, 31)))
    replayed = await platforms.ours.attempt(EndLine(line_id=line_id, date_to=date(2027, 3, 31)))
    later = await platforms.ours.attempt(EndLine(line_id=line_id, date_to=date(2027, 6, 30)))
    sooner = await platforms.ours.attempt(EndLine(line_id=line_id, date_to=date(2027, 1, 31)))

    assert isinstance(ended, Ended)
    assert ended.line.date_to == date(2027, 3, 31)
    assert replayed == ended
    assert isinstance(later, AlreadyEnded)
    assert later.line.date_to == date(2027, 3, 31)
    assert isinstance(sooner, Ended)
    [line] = (await lines_of(platforms.ours)).lines
    assert (line.line_id, line.date_to) == (line_id, date(2027, 1, 31))


@pytest.mark.parametrize(
    ("line", "end", "status"),
    [
        pytest.param("theirs", date(2027, 1, 1), 403, id="another-platforms-line"),
        pytest.param("unknown", date(2027, 1, 1), 404, id="unknown-line"),
    ],
)
async def test_ending_a_line_we_do_not_hold_is_refused(
    platforms: Platforms, line: str, end: date, status: int
) -> None:
    theirs = await platforms.other.attempt(register(key="theirs"))
    assert isinstance(theirs, Registered)
    line_id = theirs.line.line_id if line == "theirs" else "999999"

    outcome = await platforms.ours.attempt(EndLine(line_id=line_id, date_to=end))

    assert isinstance(outcome, PermanentFailure)
    assert outcome.status == status
    assert (await lines_of(platforms.ours)).lines == (theirs.line,)


async def test_ending_a_line_before_it_starts_is_refused(platforms: Platforms) -> None:
    registered = await platforms.ours.attempt(register())
    assert isinstance(registered, Registered)

    outcome = await platforms.ours.attempt(
        EndLine(line_id=registered.line.line_id, date_to=date(2026, 8, 31))
    )

    assert isinstance(outcome, PermanentFailure)
    assert not outcome.retry_later


# What only the network does: the HTTP adapter against the peer.


@pytest.fixture
async def directory(settings: Settings, peer: DirectoryServer) -> AsyncIterator[AfnorDirectory]:
    directory = AfnorDirectory(afnor_settings(settings, peer.url, directory_timeout_seconds=0.5))
    yield directory
    await directory.aclose()


async def test_server_errors_are_transient_until_the_directory_recovers(
    directory: AfnorDirectory, peer: DirectoryServer
) -> None:
    peer.fail_next(Fault(status=503), Fault(status=502))

    outcomes = [await directory.attempt(register()) for _ in range(3)]

    assert [type(outcome) for outcome in outcomes] == [
        TransientFailure,
        TransientFailure,
        Registered,
    ]
    assert outcomes[0] == TransientFailure(detail="panne simulee", status=503)
    assert peer.posts() == 3
    assert len(peer.lines_of(SIREN)) == 1


async def test_rate_limiting_is_transient_with_the_delay_asked(
    directory: AfnorDirectory, peer: DirectoryServer
) -> None:
    peer.fail_next(Fault(status=429, headers={"Retry-After": "7"}))

    outcome = await directory.attempt(register())

    assert outcome == TransientFailure(detail="panne simulee", status=429, retry_after_seconds=7.0)
    assert peer.lines_of(SIREN) == []


async def test_a_reply_lost_after_registering_is_retried_without_a_second_line(
    directory: AfnorDirectory, peer: DirectoryServer
) -> None:
    # The peer registers, then answers after the client's 0.5 s timeout.
    peer.fail_next(Fault(delay_seconds=1.5))

    timed_out = await directory.attempt(register(key="activation-7"))
    retried = await directory.attempt(register(key="activation-7"))

    assert isinstance(timed_out, TransientFailure)
    assert timed_out.retry_later
    assert isinstance(retried, Registered)
    assert [line.id_instance for line in peer.lines_of(SIREN)] == [int(retried.line.line_id)]


async def test_an_unreachable_directory_is_transient(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    directory = AfnorDirectory(afnor_settings(settings, f"http://127.0.0.1:{closed_port}"))

    outcome = await directory.attempt(register())
    await directory.aclose()

    assert isinstance(outcome, TransientFailure)


@pytest.mark.parametrize(
    ("fault", "token", "status", "code"),
    [
        pytest.param(None, "jeton-inconnu", 401, "UNAUTHORIZED", id="unknown-token"),
        pytest.param(Fault(status=400, body=b"{}"), OUR_TOKEN, 400, None, id="bad-request"),
        pytest.param(Fault(status=201, body=b"<html>"), OUR_TOKEN, 201, "bad-answer", id="garbage"),
    ],
)
async def test_refusals_a_retry_cannot_change_are_permanent(
    settings: Settings,
    peer: DirectoryServer,
    fault: Fault | None,
    token: str,
    status: int,
    code: str | None,
) -> None:
    if fault is not None:
        peer.fail_next(fault)
    directory = AfnorDirectory(afnor_settings(settings, peer.url, token=token))

    outcome = await directory.attempt(register())
    await directory.aclose()

    assert isinstance(outcome, PermanentFailure)
    assert (outcome.status, outcome.code) == (status, code)
    assert not outcome.retry_later


async def test_the_peer_refuses_a_line_without_idempotency_key(peer: DirectoryServer) -> None:
    """The peer itself enforces keys, so the adapter's header is really exercised."""
    import httpx

    async with httpx.AsyncClient(base_url=peer.url) as client:
        response = await client.post(
            "/v1/directory-line",
            json={"addressingInformation": {"siren": SIREN}, "period": {"dateFrom": "2026-09-01"}},
            headers={"Authorization": f"Bearer {OUR_TOKEN}"},
        )
    assert response.status_code == 400
    assert peer.lines_of(SIREN) == []


# Wiring and serialisation, for the outbox worker.


def test_settings_choose_the_implementation(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert isinstance(build_directory(settings, sessionmaker), LocalDirectory)
    remote = build_directory(afnor_settings(settings, "http://127.0.0.1:9"), sessionmaker)
    assert isinstance(remote, AfnorDirectory)
    assert remote.platform_id == OUR_PLATFORM


def test_requests_and_outcomes_survive_a_trip_through_an_outbox_row() -> None:
    request = register(key="k", siret=SIREN + "00048", routing_identifier="ACHATS")
    outcome = TransientFailure(detail="x", status=503, retry_after_seconds=2.0)

    assert directory_request_from_json(request.model_dump_json()) == request
    assert directory_outcome_from_json(outcome.model_dump_json()) == outcome


@pytest.mark.parametrize(
    "narrow",
    [
        pytest.param({"siret": "55210055400013"}, id="siret-of-another-siren"),
        pytest.param({"routing_identifier": "ACHATS"}, id="routing-code-without-siret"),
        pytest.param({"siret": SIREN + "00048", "addressing_suffix": "X"}, id="suffix-and-siret"),
        pytest.param({"addressing_suffix": "A_B"}, id="underscore"),
    ],
)
def test_inconsistent_addresses_are_refused_before_any_call(narrow: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        DirectoryAddress(siren=SIREN, **narrow)
