"""The owner's identity check: ICAO 9303 MRZ of an ID card or passport against the SSO name."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest

from api.firms.identity_check import (
    DocumentFormat,
    HolderName,
    IdentityCheckResult,
    IdentityDocument,
    IdentityVerifier,
    MrzIdentityVerifier,
    RejectionReason,
    VerificationStatus,
    check_digit,
    check_identity_document,
)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
BEFORE_2012 = datetime(2010, 6, 1, tzinfo=UTC)  # when the ICAO specimens were still valid

# ICAO Doc 9303 part 4, appendix B: the Utopia passport specimen (TD3).
ICAO_PASSPORT = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
# ICAO Doc 9303 part 5, appendix B: the Utopia identity card specimen (TD1).
ICAO_ID_CARD = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# The specimen of the French identity card issued since 2021 (TD1), Maëlys-Gaëlle Marie Martin.
FRENCH_ID_CARD = (
    "IDFRAX4RTBPFW46<<<<<<<<<<<<<<<",
    "9007138F3002119FRA<<<<<<<<<<<6",
    "MARTIN<<MAELYS<GAELLE<MARIE<<<",
)
# A French identity card of the 1988-2021 model (2×36), issued in June 2005: expired in 2020.
FRENCH_ID_CARD_1988_EXPIRED = (
    "IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013",
    "0506932020438CHRISTIANE<<NI2906209F3",
)
# Same model, issued in March 2013 to an adult: valid 15 years, until March 2028.
FRENCH_ID_CARD_1988_VALID = (
    "IDFRAMARTIN<DUPONT<<<<<<<<<<<<075012",
    "1303750123456HELENE<<ANNE<<7504127F3",
)

ANNA = HolderName(given_names="Anna Maria", family_name="Eriksson")
MAELYS = HolderName(given_names="Maëlys", family_name="Martin")


def check(
    lines: tuple[str, ...] | list[str],
    holder: HolderName,
    *,
    now: datetime = NOW,
    document_bytes: bytes | None = None,
) -> IdentityCheckResult:
    return check_identity_document(
        IdentityDocument(mrz_lines=lines, document_bytes=document_bytes), holder, now=now
    )


def with_character(lines: tuple[str, ...], line: int, position: int, character: str) -> list[str]:
    changed = list(lines)
    changed[line] = changed[line][:position] + character + changed[line][position + 1 :]
    return changed


def td1(document_number: str, names: str, *, optional: str = "") -> list[str]:
    """A French TD1 card born 1985-03-02, expiring 2031-05-06, with valid check digits."""
    if len(document_number) <= 9:
        head = document_number.ljust(9, "<") + check_digit(document_number.ljust(9, "<"))
        line1 = f"IDFRA{head}{optional}".ljust(30, "<")
    else:  # Doc 9303 part 5 note j: the long number continues in the optional data
        rest = document_number[9:] + check_digit(document_number) + "<"
        line1 = f"IDFRA{document_number[:9]}<{rest}{optional}".ljust(30, "<")
    line2 = f"850302{check_digit('850302')}F310506{check_digit('310506')}FRA".ljust(29, "<")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return [line1, line2 + check_digit(composite), names.ljust(30, "<")]


# --- The specimens ------------------------------------------------------------------------------


def test_check_digits_follow_the_icao_worked_examples() -> None:
    # Doc 9303 part 3 §4.9: "520727" gives 3, "AB2134<<<" gives 5.
    assert check_digit("520727") == "3"
    assert check_digit("AB2134<<<") == "5"


def test_icao_passport_specimen_is_verified_while_it_was_valid() -> None:
    result = check(ICAO_PASSPORT, ANNA, now=BEFORE_2012)

    assert result.status is VerificationStatus.VERIFIED
    assert result.reason is None
    fields = result.fields
    assert fields is not None
    assert fields.document_format is DocumentFormat.TD3
    assert (fields.document_code, fields.issuing_state, fields.nationality) == ("P", "UTO", "UTO")
    assert fields.document_number == "L898902C3"
    assert (fields.surname, fields.given_names) == ("ERIKSSON", ("ANNA", "MARIA"))
    assert fields.birth_date == date(1974, 8, 12)
    assert fields.expiry_date == date(2012, 4, 15)
    assert fields.sex == "F"
    assert fields.optional_data == "ZE184226B"


def test_icao_identity_card_specimen_is_verified_while_it_was_valid() -> None:
    result = check(ICAO_ID_CARD, ANNA, now=BEFORE_2012)

    assert result.verified
    fields = result.fields
    assert fields is not None
    assert fields.document_format is DocumentFormat.TD1
    assert fields.document_number == "D23145890"
    assert fields.birth_date == date(1974, 8, 12)
    assert fields.expiry_date == date(2012, 4, 15)


def test_french_identity_card_specimen_is_verified() -> None:
    result = check(FRENCH_ID_CARD, MAELYS)

    assert result.verified
    assert result.message.startswith("Identité vérifiée")
    fields = result.fields
    assert fields is not None
    assert (fields.document_code, fields.issuing_state) == ("ID", "FRA")
    assert fields.document_number == "X4RTBPFW4"
    assert fields.given_names == ("MAELYS", "GAELLE", "MARIE")
    assert fields.birth_date == date(1990, 7, 13)
    assert fields.expiry_date == date(2030, 2, 11)


def test_french_identity_card_of_the_1988_model_is_verified_within_its_15_years() -> None:
    holder = HolderName(given_names="Hélène", family_name="Martin-Dupont")

    result = check(FRENCH_ID_CARD_1988_VALID, holder)

    assert result.verified
    fields = result.fields
    assert fields is not None
    assert fields.document_format is DocumentFormat.FRENCH_ID_CARD_1988
    assert fields.document_number == "130375012345"
    assert (fields.surname, fields.given_names) == ("MARTIN DUPONT", ("HELENE", "ANNE"))
    assert fields.birth_date == date(1975, 4, 12)
    assert fields.expiry_date == date(2028, 3, 1)


def test_french_identity_card_of_the_1988_model_with_truncated_given_names_matches() -> None:
    holder = HolderName(given_names="Christiane Nicole", family_name="Douël")

    result = check(FRENCH_ID_CARD_1988_EXPIRED, holder, now=datetime(2015, 1, 1, tzinfo=UTC))

    assert result.verified
    assert result.fields is not None
    assert result.fields.given_names == ("CHRISTIANE", "NI")
    assert result.fields.expiry_date == date(2020, 6, 1)  # adult in 2005: 15 years


def test_french_1988_card_issued_to_a_minor_keeps_10_years() -> None:
    line1, issued_2010 = FRENCH_ID_CARD_1988_VALID[0], "100375012345"
    line2 = f"{issued_2010}{check_digit(issued_2010)}HELENE<<ANNE<<000412{check_digit('000412')}F"
    lines = (line1, line2 + check_digit(line1 + line2))
    holder = HolderName(given_names="Hélène", family_name="Martin Dupont")

    result = check(lines, holder, now=datetime(2019, 1, 1, tzinfo=UTC))

    assert result.verified
    assert result.fields is not None
    assert result.fields.expiry_date == date(2020, 3, 1)


# --- Check digits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line", "position", "reason"),
    [
        (ICAO_PASSPORT, 1, 9, RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT),
        (ICAO_PASSPORT, 1, 19, RejectionReason.BIRTH_DATE_CHECK_DIGIT),
        (ICAO_PASSPORT, 1, 27, RejectionReason.EXPIRY_DATE_CHECK_DIGIT),
        (ICAO_PASSPORT, 1, 42, RejectionReason.OPTIONAL_DATA_CHECK_DIGIT),
        (ICAO_PASSPORT, 1, 43, RejectionReason.COMPOSITE_CHECK_DIGIT),
        (ICAO_ID_CARD, 0, 14, RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT),
        (ICAO_ID_CARD, 1, 6, RejectionReason.BIRTH_DATE_CHECK_DIGIT),
        (ICAO_ID_CARD, 1, 14, RejectionReason.EXPIRY_DATE_CHECK_DIGIT),
        (ICAO_ID_CARD, 1, 29, RejectionReason.COMPOSITE_CHECK_DIGIT),
        (FRENCH_ID_CARD_1988_VALID, 1, 12, RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT),
        (FRENCH_ID_CARD_1988_VALID, 1, 33, RejectionReason.BIRTH_DATE_CHECK_DIGIT),
        (FRENCH_ID_CARD_1988_VALID, 1, 35, RejectionReason.COMPOSITE_CHECK_DIGIT),
    ],
)
def test_wrong_check_digit_is_rejected_with_the_field_it_protects(
    lines: tuple[str, ...], line: int, position: int, reason: RejectionReason
) -> None:
    wrong = str((int(lines[line][position]) + 1) % 10)

    result = check(with_character(lines, line, position, wrong), ANNA, now=BEFORE_2012)

    assert result.status is VerificationStatus.REJECTED
    assert result.reason is reason
    assert "Clé de contrôle" in result.message


@pytest.mark.parametrize(
    ("line", "position", "misread", "reason"),
    [
        (1, 2, "B", RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT),  # 8 read as B
        (1, 14, "9", RejectionReason.BIRTH_DATE_CHECK_DIGIT),  # 1974 read as 1979
        (1, 22, "1", RejectionReason.EXPIRY_DATE_CHECK_DIGIT),
        (1, 33, "D", RejectionReason.OPTIONAL_DATA_CHECK_DIGIT),
    ],
)
def test_misread_character_is_caught_by_a_check_digit(
    line: int, position: int, misread: str, reason: RejectionReason
) -> None:
    result = check(with_character(ICAO_PASSPORT, line, position, misread), ANNA, now=BEFORE_2012)

    assert result.reason is reason


def test_field_altered_with_its_own_check_digit_is_caught_by_the_composite() -> None:
    line2 = ICAO_PASSPORT[1]
    other_number = "L898902C4"
    altered = other_number + check_digit(other_number) + line2[10:]

    result = check([ICAO_PASSPORT[0], altered], ANNA, now=BEFORE_2012)

    assert result.reason is RejectionReason.COMPOSITE_CHECK_DIGIT


def test_empty_personal_number_may_carry_a_filler_check_digit() -> None:
    line2 = "L898902C36UTO7408122F1204159" + "<" * 14 + "<"
    composite = line2[0:10] + line2[13:20] + line2[21:43]

    result = check([ICAO_PASSPORT[0], line2 + check_digit(composite)], ANNA, now=BEFORE_2012)

    assert result.verified
    assert result.fields is not None
    assert result.fields.optional_data == ""


def test_td1_document_number_longer_than_9_characters_continues_in_optional_data() -> None:
    lines = td1("D23145890123", "MARTIN<<MAELYS<<<")

    result = check(lines, MAELYS)

    assert result.verified
    assert result.fields is not None
    assert result.fields.document_number == "D23145890123"
    damaged = with_character(tuple(lines), 0, 18, "4")  # the long number's own check digit
    assert check(damaged, MAELYS).reason is RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT


# --- Format -------------------------------------------------------------------------------------


def test_ocr_output_in_lower_case_with_blank_lines_is_read() -> None:
    text = "\n" + "\n".join(line.lower() for line in FRENCH_ID_CARD) + "  \n"

    result = check(text.splitlines(), MAELYS)

    assert result.verified


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (
            [*FRENCH_ID_CARD[:2], "MARTIN<<MAËLYS<GAELLE<MARIE<<<"],
            RejectionReason.INVALID_CHARACTERS,
        ),
        (
            [*FRENCH_ID_CARD[:2], "MARTIN  MAELYS GAELLE MARIE<<<"],
            RejectionReason.INVALID_CHARACTERS,
        ),
        (FRENCH_ID_CARD[:2], RejectionReason.UNSUPPORTED_FORMAT),
        ([line[:-1] for line in ICAO_PASSPORT], RejectionReason.UNSUPPORTED_FORMAT),
        # ICAO TD2 (2×36) is not the French 1988 card and is not accepted.
        (
            ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
            RejectionReason.UNSUPPORTED_FORMAT,
        ),
        ([ICAO_PASSPORT[1], ICAO_PASSPORT[1]], RejectionReason.UNSUPPORTED_FORMAT),
        ([], RejectionReason.UNSUPPORTED_FORMAT),
    ],
)
def test_malformed_mrz_is_rejected(lines: list[str], reason: RejectionReason) -> None:
    result = check(lines, MAELYS)

    assert result.reason is reason
    assert result.fields is None


def test_date_that_does_not_exist_is_rejected_even_with_a_matching_check_digit() -> None:
    line2 = FRENCH_ID_CARD[1]
    february_30 = "900230" + check_digit("900230") + line2[7:29]
    composite = FRENCH_ID_CARD[0][5:30] + february_30[0:7] + february_30[8:15] + february_30[18:29]
    lines = [FRENCH_ID_CARD[0], february_30 + check_digit(composite), FRENCH_ID_CARD[2]]

    assert check(lines, MAELYS).reason is RejectionReason.INVALID_DATE


# --- Expiry -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines", [ICAO_PASSPORT, ICAO_ID_CARD, FRENCH_ID_CARD_1988_EXPIRED], ids=["td3", "td1", "1988"]
)
def test_expired_document_is_rejected_and_its_fields_kept_as_evidence(
    lines: tuple[str, ...],
) -> None:
    holder = ANNA if lines is not FRENCH_ID_CARD_1988_EXPIRED else HolderName("Christiane", "Douel")

    result = check(lines, holder)

    assert result.status is VerificationStatus.REJECTED
    assert result.reason is RejectionReason.DOCUMENT_EXPIRED
    assert "expiré" in result.message
    assert result.fields is not None


def test_document_is_valid_through_its_expiry_day() -> None:
    last_day = datetime(2030, 2, 11, 23, 59, tzinfo=UTC)
    next_day = datetime(2030, 2, 12, 0, 1, tzinfo=UTC)

    assert check(FRENCH_ID_CARD, MAELYS, now=last_day).verified
    assert check(FRENCH_ID_CARD, MAELYS, now=next_day).reason is RejectionReason.DOCUMENT_EXPIRED


# --- Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_names", "family_name"),
    [
        ("Maëlys", "Martin"),
        ("MAELYS", "martin"),
        ("Maëlys Gaëlle", "Martin"),
        ("Maëlys-Gaëlle Marie", "MARTIN"),
        ("Gaëlle", "Martin"),  # a usual first name that is not the first one
        ("  maëlys ", " Martin "),
    ],
)
def test_holder_names_match_regardless_of_case_accents_and_hyphens(
    given_names: str, family_name: str
) -> None:
    assert check(FRENCH_ID_CARD, HolderName(given_names, family_name)).verified


@pytest.mark.parametrize(
    ("given_names", "family_name"),
    [
        ("Maëlys", "Dupont"),
        ("Julie", "Martin"),
        ("Marie Maëlys", "Martin"),  # given names in another order
        ("Maëlys", "Martine"),
        ("Maëlys", "Mar"),
        ("", "Martin"),
        ("Maëlys", ""),
    ],
)
def test_names_that_do_not_match_are_rejected(given_names: str, family_name: str) -> None:
    result = check(FRENCH_ID_CARD, HolderName(given_names, family_name))

    assert result.reason is RejectionReason.NAME_MISMATCH
    assert "ne correspondent pas" in result.message


@pytest.mark.parametrize(
    ("mrz_names", "holder"),
    [
        ("DARTAGNAN<<CHARLES<<<<<<<<<<<", HolderName("Charles", "d'Artagnan")),
        ("D<ARTAGNAN<<CHARLES<<<<<<<<<<", HolderName("Charles", "D’Artagnan")),
        ("LE<GOFF<<JEAN<PIERRE<<<<<<<<<", HolderName("Jean-Pierre", "Le Goff")),
        ("OEDIPE<<ZOE<<<<<<<<<<<<<<<<<<", HolderName("Zoë", "Œdipe")),
        ("MULLER<LUDENSCHEIDT<<JOSE<<<<", HolderName("José", "Müller-Lüdenscheidt")),
        ("STRASSER<<ANNE<<<<<<<<<<<<<<<", HolderName("Anne", "Straßer")),
    ],
)
def test_names_match_through_icao_transliteration(mrz_names: str, holder: HolderName) -> None:
    assert check(td1("AB1234567", mrz_names), holder).verified


def test_truncated_names_match_on_their_prefix() -> None:
    # 30 characters leave no room for the whole second given name.
    lines = td1("AB1234567", "DE<LA<FONTAINE<<MARIE<CHRISTIN")
    holder = HolderName("Marie-Christine", "de La Fontaine")

    assert check(lines, holder).verified
    assert not check(lines, HolderName("Marie-Chris", "de La Fontaine")).verified
    assert not check(lines, HolderName("Marie-Christophe", "de La Fontaine")).verified


def test_untruncated_name_must_match_completely() -> None:
    lines = td1("AB1234567", "MARTIN<<MAE<<<")

    assert check(lines, HolderName("Maëlys", "Martin")).reason is RejectionReason.NAME_MISMATCH


# --- Evidence and the verifier interface --------------------------------------------------------


def test_result_carries_the_sha256_of_the_submitted_document() -> None:
    image = b"\x89PNG\r\n\x1a\n the back of the card"

    with_image = check(FRENCH_ID_CARD, MAELYS, document_bytes=image)
    without_image = check(FRENCH_ID_CARD, MAELYS)

    assert with_image.document_sha256 == hashlib.sha256(image).hexdigest()
    assert without_image.document_sha256 is None
    rejected = check(ICAO_PASSPORT, MAELYS, document_bytes=image)
    assert rejected.document_sha256 == hashlib.sha256(image).hexdigest()


async def test_mrz_verifier_checks_expiry_against_its_clock() -> None:
    verifier: IdentityVerifier = MrzIdentityVerifier(clock=lambda: BEFORE_2012)
    document = IdentityDocument(mrz_lines=ICAO_PASSPORT)

    result = await verifier.verify(document, ANNA)

    assert result.verified
    assert result.verifier == "icao-9303-mrz"
    assert result.checked_at == BEFORE_2012
    later = await MrzIdentityVerifier(clock=lambda: NOW).verify(document, ANNA)
    assert later.reason is RejectionReason.DOCUMENT_EXPIRED
