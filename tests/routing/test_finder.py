"""Route finding as a table: which directory line an invoice's buyer is reached by, most
specific address first, on the invoice date. The last tests ask the embedded directory (a
real `LocalDirectory` on the test database)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import DirectoryAddress, DirectoryLine, LocalDirectory
from api.models.directory_line import DirectoryLineRecord
from api.routing.finder import Buyer, candidate_addresses, choose_line, find_line

SIREN = "200000008"
SIRET = "20000000800017"
DAY = date(2025, 7, 1)


def line(
    platform: str,
    *,
    siret: str | None = None,
    code: str | None = None,
    suffix: str | None = None,
    start: date = date(2025, 1, 1),
    end: date | None = None,
) -> DirectoryLine:
    return DirectoryLine(
        line_id=uuid.uuid4().hex,
        address=DirectoryAddress(
            siren=SIREN, siret=siret, routing_identifier=code, addressing_suffix=suffix
        ),
        platform_id=platform,
        date_from=start,
        date_to=end,
    )


SIREN_LINE = line("P-SIREN")
SIRET_LINE = line("P-SIRET", siret=SIRET)
CODE_LINE = line("P-CODE", siret=SIRET, code="SERVICE-ACHATS")
SUFFIX_LINE = line("P-SUFFIX", suffix="FACTURES")
ENDED_CODE_LINE = line("P-OLD-CODE", siret=SIRET, code="SERVICE-ACHATS", end=date(2025, 6, 30))
FUTURE_SIRET_LINE = line("P-NEXT-SIRET", siret=SIRET, start=date(2025, 7, 2))
OLD_SIREN_LINE = line("P-OLD", end=date(2025, 6, 30))
NEW_SIREN_LINE = line("P-NEW", start=date(2025, 7, 1))

FULL = Buyer(SIREN, SIRET, "SERVICE-ACHATS", f"{SIREN}_{SIRET}_SERVICE-ACHATS")


@pytest.mark.parametrize(
    ("case", "buyer", "lines", "expected"),
    [
        ("code wins over all", FULL, [SIREN_LINE, SIRET_LINE, CODE_LINE], "P-CODE"),
        ("siret without code line", FULL, [SIREN_LINE, SIRET_LINE], "P-SIRET"),
        ("only the siren line", FULL, [SIREN_LINE], "P-SIREN"),
        ("siret line, invoice names no siret", Buyer(SIREN), [SIRET_LINE, SIREN_LINE], "P-SIREN"),
        ("suffix over siren", Buyer(SIREN, None, None, f"{SIREN}_FACTURES"),
         [SIREN_LINE, SUFFIX_LINE], "P-SUFFIX"),
        ("siret over suffix", Buyer(SIREN, SIRET, None, f"{SIREN}_FACTURES"),
         [SIREN_LINE, SUFFIX_LINE, SIRET_LINE], "P-SIRET"),
        ("suffix line, invoice says another suffix", Buyer(SIREN, None, None, f"{SIREN}_AUTRE"),
         [SUFFIX_LINE, SIREN_LINE], "P-SIREN"),
        ("ended code line falls back to siret", FULL, [ENDED_CODE_LINE, SIRET_LINE], "P-SIRET"),
        ("siret line not yet in effect", FULL, [FUTURE_SIRET_LINE, SIREN_LINE], "P-SIREN"),
        ("old line ended the day before", Buyer(SIREN), [OLD_SIREN_LINE, NEW_SIREN_LINE], "P-NEW"),
        ("no line in effect", Buyer(SIREN), [OLD_SIREN_LINE], None),
        ("no line at all", FULL, [], None),
        ("another company's siret is ignored", Buyer(SIREN, "31000000000012"),
         [SIREN_LINE], "P-SIREN"),
        ("no siren, no route", Buyer(None, SIRET), [SIRET_LINE, SIREN_LINE], None),
        ("a malformed siren, no route", Buyer("20000000"), [SIREN_LINE], None),
    ],
)  # fmt: skip
def test_the_most_specific_line_in_effect_on_the_invoice_date_wins(
    case: str, buyer: Buyer, lines: list[DirectoryLine], expected: str | None
) -> None:
    by_address: dict[str, list[DirectoryLine]] = {}
    for each in lines:
        by_address.setdefault(each.address.addressing_identifier, []).append(each)
    chosen = choose_line(candidate_addresses(buyer), by_address, DAY)
    assert (chosen.platform_id if chosen else None) == expected, case


@pytest.mark.parametrize(
    ("buyer", "identifiers"),
    [
        (FULL, [f"{SIREN}_{SIRET}_SERVICE-ACHATS", f"{SIREN}_{SIRET}", SIREN]),
        (Buyer(SIREN, SIRET), [f"{SIREN}_{SIRET}", SIREN]),
        (Buyer(SIREN, None, None, f"{SIREN}_FACTURES"), [f"{SIREN}_FACTURES", SIREN]),
        (Buyer(SIREN, None, None, f"{SIREN}_{SIRET}"), [SIREN]),  # a SIRET is no suffix
        (Buyer(SIREN, SIRET, "code_avec_souligné"), [f"{SIREN}_{SIRET}", SIREN]),
        (Buyer(SIREN, None, "SANS-SIRET"), [SIREN]),  # a routing code hangs on a SIRET
    ],
)
def test_candidate_addresses_most_specific_first(buyer: Buyer, identifiers: list[str]) -> None:
    assert [a.addressing_identifier for a in candidate_addresses(buyer)] == identifiers


async def _store(session: AsyncSession, each: DirectoryLine) -> None:
    address = each.address
    session.add(
        DirectoryLineRecord(
            addressing_identifier=address.addressing_identifier,
            siren=address.siren,
            siret=address.siret,
            routing_identifier=address.routing_identifier,
            addressing_suffix=address.addressing_suffix,
            platform_id=each.platform_id,
            date_from=each.date_from,
            date_to=each.date_to,
        )
    )
    await session.flush()


async def test_the_embedded_directory_answers_the_siret_line_over_the_siren_line(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for each in (SIREN_LINE, SIRET_LINE, ENDED_CODE_LINE):
        await _store(session, each)
    await session.commit()
    directory = LocalDirectory(sessionmaker, "P-SELF")
    found = await find_line(directory, FULL, DAY)
    assert found is not None
    assert found.platform_id == "P-SIRET"
    before = await find_line(directory, FULL, date(2025, 6, 30))
    assert before is not None
    assert before.platform_id == "P-OLD-CODE"
    assert await find_line(directory, Buyer("300000007"), DAY) is None
