"""The remote registry against a real HTTP peer replaying the public API's shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.company_registry import (
    AdministrativeState,
    CompanyRegistryBadAnswer,
    CompanyRegistryUnavailable,
    RechercheEntreprisesRegistry,
)
from api.companies.service import search_companies
from api.core.settings import Settings
from api.models.sirene import CompanyRegistryCacheEntry
from tests.companies.recherche_entreprises_peer import Fault, Peer, recherche_entreprises_peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    with recherche_entreprises_peer() as peer:
        yield peer


def remote_settings(settings: Settings, peer: Peer, **overrides: object) -> Settings:
    return settings.model_copy(
        update={
            "company_registry": "recherche_entreprises",
            "recherche_entreprises_url": peer.url,
            "recherche_entreprises_requests_per_second": 50.0,
            # Generous: only the timeout test shortens it (a loaded CI machine answers slowly).
            "recherche_entreprises_timeout_seconds": 15.0,
        }
        | overrides
    )


@pytest.fixture
async def registry(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[RechercheEntreprisesRegistry]:
    registry = RechercheEntreprisesRegistry(remote_settings(settings, peer), sessionmaker)
    yield registry
    await registry.aclose()


async def test_name_search_maps_the_public_answer(registry: RechercheEntreprisesRegistry) -> None:
    [company] = await search_companies(registry, "la poste")

    assert company.siren == "356000000"
    assert company.legal_name == "LA POSTE"
    assert company.siret == company.head_office_siret == "35600000000048"
    assert (company.address, company.postal_code, company.city) == (
        "9 RUE DU COLONEL PIERRE AVIA",
        "75015",
        "PARIS",
    )
    assert company.vat_number == "FR39356000000"
    assert company.nature_juridique_label == "SA nationale à conseil d'administration"


async def test_siret_lookup_describes_that_establishment(
    registry: RechercheEntreprisesRegistry,
) -> None:
    [company] = await search_companies(registry, "356 000 000 10019")

    assert (company.siret, company.city, company.address) == (
        "35600000010019",
        "DIJON",
        "RUE DE LA POSTE",
    )
    assert company.head_office_siret == "35600000000048"


async def test_non_diffusible_answer_hides_name_and_street(
    registry: RechercheEntreprisesRegistry,
) -> None:
    [company] = await search_companies(registry, "971624275")

    assert company.non_diffusible
    assert (company.legal_name, company.address) == (None, None)
    assert company.city == "NANTES"


async def test_closed_company_is_flagged_closed(registry: RechercheEntreprisesRegistry) -> None:
    [company] = await search_companies(registry, "948662838")

    assert company.state is AdministrativeState.CLOSED
    assert company.establishment_state is AdministrativeState.CLOSED


async def test_unknown_siren_finds_nothing(registry: RechercheEntreprisesRegistry) -> None:
    assert await search_companies(registry, "732829320") == []


async def test_429_is_retried_after_the_delay_it_asks_for(
    registry: RechercheEntreprisesRegistry, peer: Peer
) -> None:
    peer.faults.append(Fault(status=429, headers={"Retry-After": "1"}))

    [company] = await search_companies(registry, "356000000")

    assert company.legal_name == "LA POSTE"
    (first, _), (second, _) = peer.arrivals
    assert second - first >= 0.95


async def test_persistent_429_is_a_503_telling_when_to_retry(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    registry = RechercheEntreprisesRegistry(
        remote_settings(settings, peer, recherche_entreprises_max_wait_seconds=5.0), sessionmaker
    )
    peer.faults.append(Fault(status=429, headers={"Retry-After": "30"}))

    with pytest.raises(CompanyRegistryUnavailable) as raised:
        await registry.get_by_siren("356000000")
    await registry.aclose()

    assert raised.value.status == 503
    assert raised.value.headers == {"Retry-After": "30"}
    assert len(peer.arrivals) == 1  # a 30 s wait is not imposed on a waiting user


async def test_a_slow_registry_times_out_cleanly(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    registry = RechercheEntreprisesRegistry(
        remote_settings(settings, peer, recherche_entreprises_timeout_seconds=0.3), sessionmaker
    )
    peer.faults.append(Fault(delay_seconds=1.0))

    with pytest.raises(CompanyRegistryUnavailable, match=r"n'a pas répondu en 0\.3 s"):
        await registry.search("la poste", 10)
    await registry.aclose()


@pytest.mark.parametrize(
    "body", [b"<html>Bad gateway</html>", b'{"results": [{"siren": 356}]', b'{"total": 0}']
)
async def test_malformed_answer_is_a_502(
    registry: RechercheEntreprisesRegistry, peer: Peer, body: bytes
) -> None:
    peer.faults.append(Fault(body=body))

    with pytest.raises(CompanyRegistryBadAnswer) as raised:
        await registry.search("la poste", 10)

    assert raised.value.status == 502
    assert raised.value.detail == "La réponse du registre n'a pas le format attendu."


async def test_a_passing_server_error_is_retried(
    registry: RechercheEntreprisesRegistry, peer: Peer
) -> None:
    peer.faults.append(Fault(status=502))

    [company] = await search_companies(registry, "la poste")

    assert company.siren == "356000000"
    assert len(peer.arrivals) == 2


async def test_a_lasting_server_error_is_a_503(
    registry: RechercheEntreprisesRegistry, peer: Peer
) -> None:
    peer.faults.extend([Fault(status=500), Fault(status=500), Fault(status=500)])

    with pytest.raises(CompanyRegistryUnavailable, match=r"erreur \(500\)"):
        await registry.search("la poste", 10)

    assert len(peer.arrivals) == 3  # the first try and two bounded retries


async def test_an_unreachable_registry_is_a_503(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    closed_port = "http://127.0.0.1:9"
    registry = RechercheEntreprisesRegistry(
        remote_settings(settings, peer, recherche_entreprises_url=closed_port), sessionmaker
    )

    with pytest.raises(CompanyRegistryUnavailable, match="injoignable"):
        await registry.get_by_siren("356000000")
    await registry.aclose()


async def test_answers_are_cached_in_the_database(
    registry: RechercheEntreprisesRegistry, peer: Peer, session: AsyncSession
) -> None:
    first = await search_companies(registry, "la poste")
    again = await search_companies(registry, "la poste")
    missing = await search_companies(registry, "732829320")
    missing_again = await search_companies(registry, "732829320")

    assert first == again
    assert missing == missing_again == []
    assert len(peer.arrivals) == 2
    assert await session.scalar(select(func.count()).select_from(CompanyRegistryCacheEntry)) == 2


async def test_a_zero_ttl_disables_the_cache(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    registry = RechercheEntreprisesRegistry(
        remote_settings(settings, peer, company_registry_cache_ttl_seconds=0), sessionmaker
    )

    await registry.get_by_siren("356000000")
    await registry.get_by_siren("356000000")
    await registry.aclose()

    assert len(peer.arrivals) == 2


async def test_requests_are_spaced_to_respect_the_rate_limit(
    settings: Settings, peer: Peer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    registry = RechercheEntreprisesRegistry(
        remote_settings(settings, peer, recherche_entreprises_requests_per_second=10.0),
        sessionmaker,
    )

    for query in ("la poste", "perrin", "356000000", "948662838"):
        await registry.search(query, 5)
    await registry.aclose()

    times = [moment for moment, _ in peer.arrivals]
    assert len(times) == 4
    # Three 0.1 s slots between four requests. Arrival times carry the loopback's jitter on
    # a busy machine, so the whole span is checked, not each gap (unthrottled: ~10 ms).
    assert times[-1] - times[0] >= 0.25
