"""French Peppol participant identifiers (scheme 0225): the four forms read, written and
turned into directory addresses and back; what is not one of them is refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from api.adapters.directory import DirectoryAddress, DirectoryLine
from api.peppol.identifiers import (
    ForeignParticipant,
    FrenchParticipant,
    InvalidParticipant,
    ParticipantForm,
    parse_participant,
)

SIREN, SIRET = "610869075", "61086907500016"
OTHER_SIREN, OTHER_SIRET = "414617811", "41461781100016"

# text given → (form, value as written back, directory address parts)
ROUND_TRIPS = [
    ("0225:610869075", ParticipantForm.SIREN, SIREN, {"siren": SIREN}),
    (
        "0225:610869075_61086907500016",
        ParticipantForm.SIREN_SIRET,
        f"{SIREN}_{SIRET}",
        {"siren": SIREN, "siret": SIRET},
    ),
    (
        "0225:610869075_61086907500016_SERVICE-ACHATS",
        ParticipantForm.SIREN_SIRET_CODEROUTAGE,
        f"{SIREN}_{SIRET}_SERVICE-ACHATS",
        {"siren": SIREN, "siret": SIRET, "routing_identifier": "SERVICE-ACHATS"},
    ),
    (
        "0225:610869075_FACTURES.2026",
        ParticipantForm.SIREN_SUFFIXE,
        f"{SIREN}_FACTURES.2026",
        {"siren": SIREN, "addressing_suffix": "FACTURES.2026"},
    ),
    # a 14-digit suffix that is not a SIRET of this SIREN stays a suffix
    (
        "0225:610869075_41461781100016",
        ParticipantForm.SIREN_SUFFIXE,
        f"{SIREN}_{OTHER_SIRET}",
        {"siren": SIREN, "addressing_suffix": OTHER_SIRET},
    ),
]


@pytest.mark.parametrize(("text", "form", "value", "address"), ROUND_TRIPS)
def test_each_form_round_trips_through_text_and_directory_address(
    text: str, form: ParticipantForm, value: str, address: dict[str, str]
) -> None:
    participant = parse_participant(text)

    assert participant.form is form
    assert participant.value == value
    assert participant.identifier == f"0225:{value}"
    assert participant.uri == f"iso6523-actorid-upis::0225:{value}"
    assert participant.to_address() == DirectoryAddress.model_validate(address)
    assert participant.to_address().addressing_identifier == value
    assert FrenchParticipant.from_address(participant.to_address()) == participant
    assert parse_participant(participant.uri) == participant
    assert parse_participant(value) == participant


@pytest.mark.parametrize(
    "text",
    [
        "iso6523-actorid-upis::0225:610869075",
        "ISO6523-ACTORID-UPIS::0225:610869075",
        "  0225:610869075\n",
        "610869075",
    ],
)
def test_the_scheme_is_optional_and_read_case_insensitively(text: str) -> None:
    assert parse_participant(text) == FrenchParticipant(siren=SIREN)


def test_two_spellings_of_a_routing_code_are_one_participant_by_key() -> None:
    upper = parse_participant(f"0225:{SIREN}_{SIRET}_ACHATS")
    lower = parse_participant(f"0225:{SIREN}_{SIRET}_achats")

    assert upper != lower  # each keeps the case it was written in …
    assert upper.key == lower.key  # … and both name one Peppol participant
    assert upper.key == f"iso6523-actorid-upis::0225:{SIREN}_{SIRET}_achats"


def test_a_directory_line_publishes_its_address_as_participant() -> None:
    line = DirectoryLine(
        line_id="l-1",
        address=DirectoryAddress(siren=SIREN, siret=SIRET),
        platform_id="PA-COMPTOIR",
        date_from=date(2026, 9, 1),
    )

    assert FrenchParticipant.from_line(line).identifier == f"0225:{SIREN}_{SIRET}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "vide"),
        ("0225:", "vide"),
        ("0088:5798000000001", "seuls les identifiants français"),
        ("iso6523-actorid-upis::0088:5798000000001", "seuls les identifiants français"),
        ("busdox-actorid-upis::0225:610869075", "schéma d'identifiant"),
        ("0225:61086907", "n'est pas un SIREN"),
        ("0225:61086907A", "n'est pas un SIREN"),
        ("0225:610869076", "clé de contrôle invalide"),  # Luhn key off by one
        ("0225:610869075_61086907500017", "clé de contrôle invalide"),
        ("0225:610869075_41461781100016_ACHATS", "n'est pas un SIRET du SIREN"),
        ("0225:610869075_61086907500016_ACH ATS", "code routage"),
        ("0225:610869075_61086907500016_", "code routage"),
        ("0225:610869075_-SUFFIXE", "suffixe"),
        ("0225:610869075_" + "S" * 101, "suffixe"),
        ("0225:610869075_61086907500016_A_B", "trop de parties"),
    ],
)
def test_what_is_not_a_french_participant_is_refused_with_its_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(InvalidParticipant, match=reason):
        parse_participant(text)


@pytest.mark.parametrize(
    ("participant", "reason"),
    [
        (FrenchParticipant(siren=SIREN, routing_code="ACHATS"), "rattaché à un établissement"),
        (FrenchParticipant(siren=SIREN, siret=SIRET, suffix="X"), "ne se combine"),
        (FrenchParticipant(siren=SIREN, suffix=SIRET), "est un SIRET du SIREN"),
    ],
)
def test_parts_that_form_none_of_the_four_forms_are_refused(
    participant: FrenchParticipant, reason: str
) -> None:
    with pytest.raises(InvalidParticipant, match=reason):
        participant.validated()


@pytest.mark.parametrize(
    "text", ["0088:5798000000001", "iso6523-actorid-upis::9925:be0123", "autre::0225:610869075"]
)
def test_another_scheme_or_icd_is_foreign_not_malformed(text: str) -> None:
    with pytest.raises(ForeignParticipant):
        parse_participant(text)
