"""The mandate template: the PDF a client company signs so that its accounting firm may designate
this platform as its approved platform (PA) and register it in the national directory.

Printable A4 in French, prefilled from what Comptoir knows (the client, the firm, the platform,
the addresses to register, the date), or blank with lines to fill by hand. Text is set in
DejaVu Sans, shipped in `fonts/` (Bitstream Vera licence), because the PDF core fonts cannot
carry every French character (œ, ’, «»…) and would not embed a font.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from api.adapters.directory import AddressLevel, DirectoryAddress
from api.core.settings import Settings
from api.einvoicing.schemas import MandateGap
from api.models.workspace import Workspace

MANDATE_TEMPLATE_VERSION = "2026-11-27"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_LEVELS = {
    AddressLevel.SIREN: "Entreprise (SIREN)",
    AddressLevel.SIRET: "Établissement (SIRET)",
    AddressLevel.ROUTING_CODE: "Code routage",
    AddressLevel.SUFFIX: "Suffixe d'adressage",
}
_BLANK_ADDRESS_ROWS = 3


@dataclass(frozen=True, slots=True)
class MandateParty:
    """A company as the mandate names it. None prints as a line to fill."""

    name: str | None = None
    siren: str | None = None
    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None

    @classmethod
    def of(cls, workspace: Workspace) -> MandateParty:
        return cls(
            name=workspace.name,
            siren=workspace.siren,
            address_line=workspace.address_line,
            postal_code=workspace.postal_code,
            city=workspace.city,
        )

    @property
    def address(self) -> str | None:
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.address_line, town) if part) or None


@dataclass(frozen=True, slots=True)
class PlatformIdentity:
    name: str
    siren: str | None
    registration_number: str | None

    @classmethod
    def of(cls, settings: Settings) -> PlatformIdentity:
        return cls(
            name=settings.platform_name,
            siren=settings.platform_siren or None,
            registration_number=settings.platform_registration_number or None,
        )


@dataclass(frozen=True, slots=True)
class Mandate:
    """What the prefilled template says. `client` and `firm` empty and no addresses: blank."""

    platform: PlatformIdentity
    client: MandateParty = field(default_factory=MandateParty)
    firm: MandateParty = field(default_factory=MandateParty)
    addresses: tuple[DirectoryAddress, ...] = ()
    issued_on: date | None = None


def mandate_gaps(platform: PlatformIdentity, firm: MandateParty) -> list[MandateGap]:
    """What a prefilled mandate would print blank because nobody configured it: the platform's
    identity (settings) and the firm's address. The screen warns before the PDF is signed."""
    gaps: list[MandateGap] = []
    if not platform.siren:
        gaps.append("platform_siren")
    if not platform.registration_number:
        gaps.append("platform_registration_number")
    if firm.address is None:
        gaps.append("firm_address")
    return gaps


def client_mandate(
    client: Workspace,
    firm: Workspace,
    settings: Settings,
    *,
    issued_on: date,
    addresses: Sequence[DirectoryAddress] | None = None,
) -> Mandate:
    """The prefilled mandate of a client company; its SIREN is the address unless told."""
    if addresses is None:
        addresses = [DirectoryAddress(siren=client.siren)] if client.siren else []
    return Mandate(
        platform=PlatformIdentity.of(settings),
        client=MandateParty.of(client),
        firm=MandateParty.of(firm),
        addresses=tuple(addresses),
        issued_on=issued_on,
    )


def blank_mandate(settings: Settings) -> Mandate:
    """The template to fill by hand; only the platform, which never changes, is printed."""
    return Mandate(platform=PlatformIdentity.of(settings))


def french_date(day: date) -> str:
    """« 1er décembre 2026 », « 27 novembre 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


def mandate_pdf(mandate: Mandate) -> bytes:
    document = _MandateDocument(mandate)
    document.compose()
    return bytes(document.output())


class _MandateDocument(FPDF):
    def __init__(self, mandate: Mandate) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.mandate = mandate
        self.add_font(FONT, style="", fname=FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, style="B", fname=FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(left=20, top=15, right=20)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("Mandat de désignation d'une plateforme agréée")
        self.set_subject("Facturation électronique : réception des factures et annuaire")
        self.set_author(mandate.platform.name)
        self.set_creator(f"Comptoir, modèle {MANDATE_TEMPLATE_VERSION}")
        self.set_lang("fr-FR")
        # A fixed date keeps two renderings of the same mandate byte-identical.
        issued = mandate.issued_on or date(2026, 1, 1)
        self.set_creation_date(datetime(issued.year, issued.month, issued.day, tzinfo=UTC))

    def footer(self) -> None:
        self.set_y(-11)
        self._font(7.5)
        self.set_text_color(110)
        self.cell(
            0,
            4,
            f"Modèle de mandat {MANDATE_TEMPLATE_VERSION} fourni par {self.mandate.platform.name}"
            f" — page {self.page_no()}/{{nb}}",
            align=Align.C,
        )
        self.set_text_color(0)

    def compose(self) -> None:
        mandate = self.mandate
        self.add_page()
        self._font(15, bold=True)
        self._text(7, "Mandat de désignation d'une plateforme agréée", align=Align.C)
        self._font(9.5)
        self._text(
            5,
            "pour la réception des factures électroniques et l'inscription à l'annuaire "
            "national de la facturation électronique (article 289 bis du code général des "
            "impôts)",
            align=Align.C,
        )
        self.ln(2)
        self._paragraph("Entre les soussignés :")

        self._heading("1. Le mandant : l'entreprise")
        self._party(mandate.client)
        self._field("Représentée par", None, hint="nom, prénom et qualité")

        self._heading("2. Le mandataire : le cabinet d'expertise comptable")
        self._party(mandate.firm)
        self._field("Représenté par", None, hint="nom, prénom et qualité")

        self._heading("3. La plateforme agréée désignée")
        self._field("Plateforme", mandate.platform.name)
        self._field("SIREN de l'opérateur", _spaced_siren(mandate.platform.siren))
        self._field("N° d'immatriculation", mandate.platform.registration_number)

        self._heading("Objet du mandat")
        self._paragraph(
            "Le mandant donne mandat au mandataire, qui l'accepte, d'accomplir en son nom et "
            "pour son compte les démarches suivantes :"
        )
        for item in (
            "désigner la plateforme agréée ci-dessus pour recevoir ses factures électroniques ;",
            "demander l'inscription, dans l'annuaire national, des adresses de facturation "
            "ci-dessous comme rattachées à cette plateforme ;",
            "suivre ces inscriptions et, sur instruction du mandant, y mettre fin.",
        ):
            self._bullet(item)

        self._heading("Adresses à inscrire dans l'annuaire")
        self._addresses(mandate.addresses)

        self._heading("Durée et révocation")
        self._paragraph(
            "Le présent mandat prend effet à sa signature et vaut jusqu'à sa révocation. Le "
            "mandant peut le révoquer à tout moment par écrit adressé au mandataire, qui "
            "demande alors la fin des lignes d'annuaire correspondantes : une ligne d'annuaire "
            "n'est jamais supprimée, elle prend fin à la date indiquée. Le mandataire conserve "
            "l'original signé et le présente à toute demande de la plateforme ou de "
            "l'administration."
        )
        self.ln(1)
        issued = french_date(mandate.issued_on) if mandate.issued_on else None
        self._font(9.5)
        self._text(6, f"Fait à {'_' * 28}, le {issued or '_' * 22}, en deux exemplaires originaux.")
        self.ln(2)
        self._signatures()

    # Building blocks.

    def _font(self, size: float, *, bold: bool = False) -> None:
        self.set_font(FONT, style="B" if bold else "", size=size)

    def _text(self, height: float, text: str, *, align: Align = Align.L) -> None:
        """Text wrapped from the current position; the next one starts on a new line."""
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _heading(self, text: str) -> None:
        self.ln(1.5)
        self._font(10.5, bold=True)
        self._text(6, text)
        self.set_draw_color(170)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_draw_color(0)
        self.ln(1)

    def _paragraph(self, text: str) -> None:
        self._font(9.5)
        self._text(4.6, text)
        self.ln(0.8)

    def _bullet(self, text: str) -> None:
        self._font(9.5)
        self.set_x(self.l_margin + 4)
        self.cell(4, 4.6, "–")
        self._text(4.6, text)

    def _party(self, party: MandateParty) -> None:
        self._field("Dénomination", party.name)
        self._field("SIREN", _spaced_siren(party.siren))
        self._field("Adresse", party.address)

    def _field(self, label: str, value: str | None, *, hint: str | None = None) -> None:
        """`label : value`, or `label : ________ (hint)` to be written by hand."""
        label_width = 48
        self._font(9.5, bold=True)
        self.cell(label_width, 5.5, f"{label} :")
        if value:
            self._font(9.5)
            self._text(5.5, value)
            return
        start = self.get_x()
        end = self.w - self.r_margin
        baseline = self.get_y() + 4.5
        self.set_draw_color(120)
        self.set_dash_pattern(dash=0.6, gap=0.8)
        self.line(start, baseline, end, baseline)
        self.set_dash_pattern()
        self.set_draw_color(0)
        if hint:
            self._font(7)
            self.set_text_color(120)
            self.cell(end - start, 5.5, hint, align=Align.R)
            self.set_text_color(0)
        self.ln(5.5)

    def _addresses(self, addresses: tuple[DirectoryAddress, ...]) -> None:
        self._font(9)
        headings = ("Maille", "Identifiant d'adressage", "SIRET", "Code / suffixe")
        with self.table(
            col_widths=(34, 68, 34, 34),
            line_height=5.5,
            text_align="LEFT",
            headings_style=_TABLE_HEADINGS,
        ) as table:
            table.row(headings)
            for address in addresses:
                table.row(
                    (
                        _LEVELS[address.level],
                        address.addressing_identifier,
                        address.siret or "—",
                        address.routing_identifier or address.addressing_suffix or "—",
                    )
                )
            if not addresses:
                for _ in range(_BLANK_ADDRESS_ROWS):
                    table.row(("", "", "", ""))
        self._font(8)
        self.set_text_color(90)
        self._text(
            4,
            "Par défaut, l'inscription porte sur le SIREN : toutes les factures adressées à "
            "l'entreprise sont reçues par la plateforme désignée.",
        )
        self.set_text_color(0)

    def _signatures(self) -> None:
        if self.will_page_break(38):
            self.add_page()
        top = self.get_y()
        gap = 8
        width = (self.w - self.l_margin - self.r_margin - gap) / 2
        for index, (title, party) in enumerate(
            (
                ("Pour le mandant (l'entreprise)", self.mandate.client.name),
                ("Pour le mandataire (le cabinet)", self.mandate.firm.name),
            )
        ):
            left = self.l_margin + index * (width + gap)
            self.rect(left, top, width, 36)
            self.set_xy(left + 3, top + 2)
            self._font(10, bold=True)
            self.cell(width - 6, 6, title, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self._font(8.5)
            for line in (
                party or "Dénomination : ______________________",
                "Nom, qualité : ______________________",
                "Signature précédée de la mention",
                "« Bon pour mandat », et cachet :",
            ):
                self.cell(width - 6, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + 38)


_TABLE_HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


def _spaced_siren(siren: str | None) -> str | None:
    """SIRENs are read in groups of three: 356 000 000."""
    if not siren:
        return None
    return " ".join(siren[index : index + 3] for index in range(0, len(siren), 3))
