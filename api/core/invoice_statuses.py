"""The invoice lifecycle statuses of the French e-invoicing reform (MDT-105 of the CDAR « CDV »
message): their French labels, who emits each one, how each travels (MDT-77 phase, MDT-88
document status), which the PPF must receive, and which status may follow which.

Sources: the code list of the shipped CDAR rules (BR-FR-CDV-CL-06: 200…214, 220, 221, 224…228),
the reason codes of BR-FR-CDV-CL-09 and the use-case messages of `data/afnor/examples` (UC1,
UC2, UC5), which fix the MDT-77 / MDT-88 pairs of 200, 202, 203, 204, 205, 207, 211, 212, 213.
The other MDT-88 codes are read from UNCL 1373 within the list BR-FR-CDV-CL-05 allows for the
phase (« 1 », « 5 » for the other statuses of the processing phase).

A leaf of `api.core` (pure data, no import of api): the flows domain (a flow's readable view,
its badge), the lifecycle (`record`), validation and the PPF feed all name statuses from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Side(StrEnum):
    """Who emits a status: the buyer's side (its users, software or firm), the seller's side,
    or a platform (ours, or the counterpart's)."""

    BUYER = "buyer"
    SELLER = "seller"
    PLATFORM = "platform"


SIDE_LABELS_FR: Final = {
    Side.BUYER: "Acheteur",
    Side.SELLER: "Vendeur",
    Side.PLATFORM: "Plateforme",
}

# MDT-77: « 305 » transmission phase (a platform's statuses), « 23 » processing phase.
TRANSMISSION: Final = "305"
PROCESSING: Final = "23"


class Status(StrEnum):
    """MDT-105. The value is the code carried by the CDAR message."""

    DEPOSEE = "200"
    EMISE = "201"
    RECUE = "202"
    MISE_A_DISPOSITION = "203"
    PRISE_EN_CHARGE = "204"
    APPROUVEE = "205"
    APPROUVEE_PARTIELLEMENT = "206"
    EN_LITIGE = "207"
    SUSPENDUE = "208"
    COMPLETEE = "209"
    REFUSEE = "210"
    PAIEMENT_TRANSMIS = "211"
    ENCAISSEE = "212"
    REJETEE = "213"
    VISEE = "214"
    ANNULEE = "220"
    ERREUR_ROUTAGE = "221"
    DEMANDE_PAIEMENT_DIRECT = "224"
    AFFACTUREE = "225"
    AFFACTUREE_CONFIDENTIEL = "226"
    CHANGEMENT_COMPTE_A_PAYER = "227"
    NON_AFFACTUREE = "228"

    @property
    def code(self) -> int:
        return int(self.value)

    @property
    def info(self) -> StatusInfo:
        return CATALOGUE[self]

    # What `api.validation.build_status_message` reads (its `StatusCode` protocol).
    @property
    def label(self) -> str:
        return CATALOGUE[self].label

    @property
    def cdar_label(self) -> str:
        return CATALOGUE[self].cdar_label

    @property
    def document_status_code(self) -> str:
        return CATALOGUE[self].document_status_code

    @property
    def acknowledgement_type(self) -> str:
        return CATALOGUE[self].phase


@dataclass(frozen=True, slots=True)
class StatusInfo:
    label: str  # French, as shown in the screens
    side: Side  # who emits it
    phase: str  # MDT-77
    document_status_code: str  # MDT-88
    # Recorded and sent, but the invoice keeps its current status (factoring, direct payment:
    # a fact about the money, not a step of the invoice's processing).
    informational: bool = False
    # The status needs a reason code (BR-FR-CDV-15: 206, 207, 208, 210, 213).
    needs_reason: bool = False

    @property
    def cdar_label(self) -> str:
        """MDT-106 as the examples write it (« Mise_à_disposition », « En_litige »)."""
        return self.label.replace(" ", "_")


def _status(
    label: str,
    side: Side,
    phase: str,
    document_status_code: str,
    *,
    informational: bool = False,
    needs_reason: bool = False,
) -> StatusInfo:
    return StatusInfo(label, side, phase, document_status_code, informational, needs_reason)


_PLATFORM, _BUYER, _SELLER = Side.PLATFORM, Side.BUYER, Side.SELLER

CATALOGUE: Final[dict[Status, StatusInfo]] = {
    Status.DEPOSEE: _status("Déposée", _PLATFORM, TRANSMISSION, "10"),
    Status.EMISE: _status("Émise par la plateforme", _PLATFORM, TRANSMISSION, "51"),
    Status.RECUE: _status("Reçue", _PLATFORM, TRANSMISSION, "43"),
    Status.MISE_A_DISPOSITION: _status("Mise à disposition", _PLATFORM, TRANSMISSION, "48"),
    Status.PRISE_EN_CHARGE: _status("Prise en charge", _BUYER, PROCESSING, "45"),
    Status.APPROUVEE: _status("Approuvée", _BUYER, PROCESSING, "1"),
    Status.APPROUVEE_PARTIELLEMENT: _status(
        "Approuvée partiellement", _BUYER, PROCESSING, "50", needs_reason=True
    ),
    Status.EN_LITIGE: _status("En litige", _BUYER, PROCESSING, "46", needs_reason=True),
    Status.SUSPENDUE: _status("Suspendue", _BUYER, PROCESSING, "39", needs_reason=True),
    Status.COMPLETEE: _status("Complétée", _SELLER, PROCESSING, "37"),
    Status.REFUSEE: _status("Refusée", _BUYER, PROCESSING, "49", needs_reason=True),
    Status.PAIEMENT_TRANSMIS: _status("Paiement transmis", _BUYER, PROCESSING, "47"),
    Status.ENCAISSEE: _status("Encaissée", _SELLER, PROCESSING, "47"),
    Status.REJETEE: _status("Rejetée", _PLATFORM, TRANSMISSION, "8", needs_reason=True),
    Status.VISEE: _status("Visée", _BUYER, PROCESSING, "5"),
    Status.ANNULEE: _status("Annulée", _SELLER, PROCESSING, "5"),
    Status.ERREUR_ROUTAGE: _status("Erreur de routage", _PLATFORM, TRANSMISSION, "8"),
    Status.DEMANDE_PAIEMENT_DIRECT: _status(
        "Demande de paiement direct", _SELLER, PROCESSING, "5", informational=True
    ),
    Status.AFFACTUREE: _status("Affacturée", _SELLER, PROCESSING, "5", informational=True),
    Status.AFFACTUREE_CONFIDENTIEL: _status(
        "Affacturée confidentiel", _SELLER, PROCESSING, "5", informational=True
    ),
    Status.CHANGEMENT_COMPTE_A_PAYER: _status(
        "Changement de compte à payer", _SELLER, PROCESSING, "5", informational=True
    ),
    Status.NON_AFFACTUREE: _status("Non affacturée", _SELLER, PROCESSING, "5", informational=True),
}

# Once there, the invoice's status never changes again: it is kept as it is, never deleted.
FINAL: Final = frozenset(
    {Status.REFUSEE, Status.ENCAISSEE, Status.REJETEE, Status.ANNULEE, Status.ERREUR_ROUTAGE}
)

_DELIVERED: Final = frozenset({Status.MISE_A_DISPOSITION})
# The buyer has the invoice in hand and is processing it (not yet paid, not final).
_IN_PROCESSING: Final = frozenset(
    {
        Status.MISE_A_DISPOSITION,
        Status.PRISE_EN_CHARGE,
        Status.APPROUVEE,
        Status.APPROUVEE_PARTIELLEMENT,
        Status.EN_LITIGE,
        Status.SUSPENDUE,
        Status.COMPLETEE,
        Status.VISEE,
    }
)
_APPROVED: Final = frozenset({Status.APPROUVEE, Status.APPROUVEE_PARTIELLEMENT, Status.VISEE})
_BEFORE_DELIVERY: Final = frozenset({Status.DEPOSEE, Status.EMISE, Status.RECUE})

# The statuses the invoice may be in (None: not yet acknowledged) for each status to be
# recorded. What is not listed is refused (409).
ALLOWED_AFTER: Final[dict[Status, frozenset[Status | None]]] = {
    Status.DEPOSEE: frozenset({None}),
    Status.REJETEE: frozenset({None, Status.DEPOSEE, Status.EMISE, Status.RECUE} | _DELIVERED),
    Status.EMISE: frozenset({Status.DEPOSEE}),
    # None: an invoice received from another platform, whose first status here is 202.
    Status.RECUE: frozenset({None, Status.DEPOSEE, Status.EMISE}),
    Status.MISE_A_DISPOSITION: frozenset({Status.RECUE}),
    Status.ERREUR_ROUTAGE: frozenset({Status.DEPOSEE, Status.EMISE}),
    Status.PRISE_EN_CHARGE: frozenset({Status.MISE_A_DISPOSITION}),
    Status.APPROUVEE: frozenset(_IN_PROCESSING - {Status.APPROUVEE}),
    Status.APPROUVEE_PARTIELLEMENT: frozenset(_IN_PROCESSING - {Status.APPROUVEE_PARTIELLEMENT}),
    Status.VISEE: frozenset({Status.MISE_A_DISPOSITION, Status.PRISE_EN_CHARGE}),
    Status.EN_LITIGE: frozenset(_IN_PROCESSING - {Status.EN_LITIGE}),
    Status.SUSPENDUE: frozenset(
        {Status.MISE_A_DISPOSITION, Status.PRISE_EN_CHARGE, Status.EN_LITIGE, Status.COMPLETEE}
    ),
    Status.COMPLETEE: frozenset({Status.SUSPENDUE}),
    # Refusing is the buyer's answer to an invoice it has not accepted.
    Status.REFUSEE: frozenset(
        {
            Status.MISE_A_DISPOSITION,
            Status.PRISE_EN_CHARGE,
            Status.EN_LITIGE,
            Status.SUSPENDUE,
            Status.COMPLETEE,
        }
    ),
    Status.PAIEMENT_TRANSMIS: frozenset(
        _APPROVED | {Status.MISE_A_DISPOSITION, Status.PRISE_EN_CHARGE}
    ),
    # The seller says it was paid whatever the buyer said before (VAT on receipts is due).
    Status.ENCAISSEE: frozenset(_IN_PROCESSING | {Status.PAIEMENT_TRANSMIS}),
    Status.ANNULEE: frozenset(_BEFORE_DELIVERY | _IN_PROCESSING),
    **dict.fromkeys(
        (
            Status.DEMANDE_PAIEMENT_DIRECT,
            Status.AFFACTUREE,
            Status.AFFACTUREE_CONFIDENTIEL,
            Status.CHANGEMENT_COMPTE_A_PAYER,
            Status.NON_AFFACTUREE,
        ),
        frozenset(_IN_PROCESSING | {Status.PAIEMENT_TRANSMIS}),
    ),
}

# The statuses the PPF must receive are `api.ppf.rules`' to say.


# MDT-113 codes allowed per status (BR-FR-CDV-CL-09), with the French label sent as MDT-114.
REASON_LABELS: Final[dict[str, str]] = {
    "NON_TRANSMISE": "Facture non transmise",
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul de la facture",
    "NON_CONFORME": "Mention légale manquante ou non conforme",
    "DOUBLON": "Facture en doublon (déjà émise / reçue)",
    "DEST_INC": "Destinataire inconnu",
    "DEST_ERR": "Erreur de destinataire",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Numéro de commande erroné ou manquant",
    "ADR_ERR": "Adresse de facturation électronique erronée",
    "SIRET_ERR": "SIRET erroné ou absent",
    "CODE_ROUTAGE_ERR": "Code routage absent ou erroné",
    "REF_CT_ABSENT": "Référence contractuelle absente",
    "REF_ERR": "Référence erronée",
    "PU_ERR": "Prix unitaire erroné",
    "REM_ERR": "Remise erronée",
    "QTE_ERR": "Quantité facturée erronée",
    "ART_ERR": "Article facturé erroné",
    "MODPAI_ERR": "Modalités de paiement erronées",
    "QUALITE_ERR": "Qualité d'article livré erronée",
    "LIVR_INCOMP": "Problème de livraison",
    "COORD_BANC_ERR": "Coordonnées bancaires erronées",
    "JUSTIF_ABS": "Justificatif absent ou insuffisant",
    "ROUTAGE_ERR": "Erreur de routage",
    "AUTRE": "Autre motif",
    "REJ_SEMAN": "Rejet pour erreur sémantique",
    "REJ_UNI": "Rejet sur contrôle unicité",
    "REJ_COH": "Rejet sur contrôle cohérence de données",
    "REJ_ADR": "Rejet sur contrôle d'adressage",
    "REJ_CONT_B2G": "Rejet sur contrôles métier B2G",
    "REJ_REF_PJ": "Rejet sur référence de pièce jointe",
    "REJ_ASS_PJ": "Rejet sur erreur de pièce jointe",
}

_REFUSAL_REASONS: Final = frozenset(
    {
        "TX_TVA_ERR",
        "MONTANTTOTAL_ERR",
        "CALCUL_ERR",
        "NON_CONFORME",
        "DOUBLON",
        "DEST_ERR",
        "TRANSAC_INC",
        "EMMET_INC",
        "CONTRAT_TERM",
        "DOUBLE_FACT",
        "CMD_ERR",
        "ADR_ERR",
        "REF_CT_ABSENT",
    }
)
_DISPUTE_REASONS: Final = frozenset(
    {
        "AUTRE",
        "COORD_BANC_ERR",
        "TX_TVA_ERR",
        "MONTANTTOTAL_ERR",
        "CALCUL_ERR",
        "NON_CONFORME",
        "DOUBLON",
        "DEST_INC",
        "DEST_ERR",
        "TRANSAC_INC",
        "EMMET_INC",
        "CONTRAT_TERM",
        "DOUBLE_FACT",
        "CMD_ERR",
        "ADR_ERR",
        "SIRET_ERR",
        "CODE_ROUTAGE_ERR",
        "REF_CT_ABSENT",
        "REF_ERR",
        "PU_ERR",
        "REM_ERR",
        "QTE_ERR",
        "ART_ERR",
        "MODPAI_ERR",
        "QUALITE_ERR",
        "LIVR_INCOMP",
    }
)
# The partial approval's (BR-FR-CDV-CL-09_MDT-113_206): what is wrong in some lines.
_PARTIAL_APPROVAL_REASONS: Final = frozenset(
    {
        "AUTRE",
        "CMD_ERR",
        "SIRET_ERR",
        "CODE_ROUTAGE_ERR",
        "REF_CT_ABSENT",
        "REF_ERR",
        "PU_ERR",
        "REM_ERR",
        "QTE_ERR",
        "ART_ERR",
        "MODPAI_ERR",
        "QUALITE_ERR",
        "LIVR_INCOMP",
    }
)
# The suspension's (BR-FR-CDV-CL-09_MDT-113_208): what the buyer waits for.
_SUSPENSION_REASONS: Final = frozenset(
    {
        "JUSTIF_ABS",
        "CMD_ERR",
        "SIRET_ERR",
        "CODE_ROUTAGE_ERR",
        "REF_CT_ABSENT",
        "REF_ERR",
        "COORD_BANC_ERR",
    }
)
# The reason codes each status accepts: BR-FR-CDV-CL-09 lists them for 200, 206, 207, 208, 210,
# 213 and 221 (tests/lifecycle/test_every_status.py walks each through the shipped rules); for
# the others, any code of the list.
REASONS_OF: Final[dict[Status, frozenset[str]]] = {
    Status.DEPOSEE: frozenset({"NON_TRANSMISE"}),
    Status.REJETEE: frozenset(
        {
            "MONTANTTOTAL_ERR",
            "CALCUL_ERR",
            "DOUBLON",
            "DEST_INC",
            "ADR_ERR",
            "REJ_SEMAN",
            "REJ_UNI",
            "REJ_COH",
            "REJ_ADR",
            "REJ_CONT_B2G",
            "REJ_REF_PJ",
            "REJ_ASS_PJ",
        }
    ),
    Status.REFUSEE: _REFUSAL_REASONS,
    Status.EN_LITIGE: _DISPUTE_REASONS,
    Status.APPROUVEE_PARTIELLEMENT: _PARTIAL_APPROVAL_REASONS,
    Status.SUSPENDUE: _SUSPENSION_REASONS,
    # The rules admit only ROUTAGE_ERR (BR-FR-CDV-CL-09_MDT-113_221).
    Status.ERREUR_ROUTAGE: frozenset({"ROUTAGE_ERR"}),
}


def reasons_for(status: Status) -> frozenset[str]:
    return REASONS_OF.get(status, frozenset(REASON_LABELS) - {"NON_TRANSMISE"})
