"""The firm's readiness dashboard (its home page): how far its clients are from e-invoicing,
and what each must do when.

The legal calendar (loi de finances 2024, art. 91; CGI art. 289 bis): every company must be
able to *receive* e-invoices from 1 September 2026; *emission* and *e-reporting* start on
1 September 2026 for large and intermediate companies (GE, ETI: INSEE `categorieEntreprise`),
on 1 September 2027 for the others (PME, micro). The e-reporting cadence follows the VAT
regime. Both inputs are editable by the firm (`ClientReadiness`); a client of unknown
category is shown with the later date, flagged as unknown. The category comes from SIRENE
(`categorieEntreprise`, loaded by `comptoir sirene import`) unless the firm corrected it.

Also the seal check's HTTP helpers (an uploaded PDF read with a size cap).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any, Literal

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.clients import service as clients_service
from api.clients.spreadsheet import write_workbook
from api.core.authz import Principal
from api.core.errors import AppError, UnprocessableEntity
from api.core.models import utcnow
from api.core.settings import Settings
from api.mandates import repository
from api.mandates.schemas import (
    CollaboratorReadiness,
    FirmReadiness,
    Obligations,
    ReadinessClient,
    ReadinessIn,
    SealCheckOut,
    StageCounts,
)
from api.mandates.seal import SealCheck, UnreadablePdf, seal_identity, verify_pdf
from api.models.client import PaStatus
from api.models.mandate_request import (
    ClientReadiness,
    CompanyCategory,
    MandateStage,
    VatRegime,
)

CategorySource = Literal["firm", "sirene", "unknown"]
RECEPTION_FROM = date(2026, 9, 1)
LARGE_COMPANIES_FROM = date(2026, 9, 1)
OTHER_COMPANIES_FROM = date(2027, 9, 1)
DASHBOARD_CLIENTS = 100

CADENCES: dict[VatRegime, str] = {
    VatRegime.REAL_NORMAL_MONTHLY: "Par décade (trois transmissions par mois)",
    VatRegime.REAL_NORMAL_QUARTERLY: "Mensuelle",
    VatRegime.SIMPLIFIED: "Mensuelle",
    VatRegime.FRANCHISE: "Bimestrielle",
}
STAGE_LABELS: dict[str, str] = {
    MandateStage.TO_SEND: "À envoyer",
    MandateStage.SENT: "Envoyé",
    MandateStage.OPENED: "Ouvert",
    MandateStage.SIGNED: "Signé",
    MandateStage.REGISTERED: "Inscrit",
    MandateStage.EXPIRED: "Expiré",
    MandateStage.REFUSED: "Refusé",
    MandateStage.ERROR: "Erreur",
}
CATEGORY_LABELS = {
    CompanyCategory.GE: "Grande entreprise",
    CompanyCategory.ETI: "Entreprise de taille intermédiaire",
    CompanyCategory.PME: "PME ou micro-entreprise",
}
VAT_LABELS = {
    VatRegime.REAL_NORMAL_MONTHLY: "Réel normal (mensuel)",
    VatRegime.REAL_NORMAL_QUARTERLY: "Réel normal (trimestriel)",
    VatRegime.SIMPLIFIED: "Réel simplifié",
    VatRegime.FRANCHISE: "Franchise en base",
}


def obligations(category: CompanyCategory | None, vat_regime: VatRegime | None) -> Obligations:
    large = category in (CompanyCategory.GE, CompanyCategory.ETI)
    start = LARGE_COMPANIES_FROM if large else OTHER_COMPANIES_FROM
    return Obligations(
        reception_from=RECEPTION_FROM,
        emission_from=start,
        e_reporting_from=start,
        e_reporting_cadence=CADENCES.get(vat_regime) if vat_regime else None,
    )


def _blocked_reason(row: dict[str, Any]) -> str | None:
    if row["pa_status"] != PaStatus.ERROR:
        return None
    if row["error_code"] == "conflict":
        return "Une autre plateforme agréée détient la ligne d'annuaire. " + (
            row["error_detail"] or ""
        )
    return row["error_detail"] or "Erreur de l'annuaire."


def _category(row: dict[str, Any]) -> tuple[CompanyCategory | None, CategorySource]:
    """The firm's correction first, then SIRENE's `categorieEntreprise`."""
    if row["company_category"] is not None:
        return row["company_category"], "firm"
    try:
        return CompanyCategory(row["sirene_category"]), "sirene"
    except ValueError:
        return None, "unknown"


def _client(row: dict[str, Any]) -> ReadinessClient:
    category, source = _category(row)
    return ReadinessClient(
        id=row["id"],
        legal_name=row["legal_name"],
        siren=row["siren"],
        pa_status=row["pa_status"],
        stage=row["stage"],
        company_category=category,
        category_source=source,
        vat_regime=row["vat_regime"],
        obligations=obligations(category, row["vat_regime"]),
        blocked_reason=_blocked_reason(row),
    )


def _share(part: int, total: int) -> float:
    return round(part / total, 4) if total else 0.0


async def dashboard(session: AsyncSession, principal: Principal) -> FirmReadiness:
    assert principal.workspace_id is not None
    firm_id = principal.workspace_id
    scope = repository.firm_clients(firm_id)
    now = utcnow()
    # The counts the database keeps (firm and collaborators: a few rows), then the links that
    # expired since, moved from « envoyé » / « ouvert » to « expiré ».
    counts: dict[str, int] = defaultdict(int)
    people: dict[uuid.UUID, tuple[str, str, dict[str, int]]] = {}
    for holder, stage, count, first, last in await repository.bucket_counts(session, firm_id):
        if holder == firm_id:
            counts[stage] += count
        elif first is not None and last is not None:
            people.setdefault(holder, (last, first, defaultdict(int)))[2][stage] += count
    expired: set[uuid.UUID] = set()
    for request_id, status, user_id in await repository.expired_links(session, firm_id, now):
        if request_id not in expired:
            expired.add(request_id)
            counts[status] -= 1
            counts[MandateStage.EXPIRED.value] += 1
        if user_id in people:
            by_stage = people[user_id][2]
            by_stage[status] -= 1
            by_stage[MandateStage.EXPIRED.value] += 1
    counts = {stage: count for stage, count in counts.items() if count}
    total = sum(counts.values())
    registered = counts.get(MandateStage.REGISTERED.value, 0)
    collaborators = []
    for user_id, (last, first, by_stage) in sorted(
        people.items(), key=lambda item: (item[1][0], item[1][1])
    ):
        held = {stage: count for stage, count in by_stage.items() if count}
        if not held:
            continue
        assigned = sum(held.values())
        collaborators.append(
            CollaboratorReadiness(
                user_id=user_id,
                name=f"{first} {last}".strip(),
                total=assigned,
                registered_share=_share(held.get(MandateStage.REGISTERED.value, 0), assigned),
                counts=StageCounts(**held),
            )
        )
    rows = await repository.client_rows(session, scope, now, limit=DASHBOARD_CLIENTS + 1)
    # Blocked clients are in « erreur »: most days there are none, and no query is made.
    blocked = (
        await repository.client_rows(session, scope, now, blocked_only=True, limit=200)
        if counts.get(MandateStage.ERROR.value)
        else []
    )
    return FirmReadiness(
        total=total,
        registered=registered,
        registered_share=_share(registered, total),
        counts=StageCounts(**counts),
        collaborators=collaborators,
        blocked=[_client(row) for row in blocked],
        clients=[_client(row) for row in rows[:DASHBOARD_CLIENTS]],
        clients_truncated=len(rows) > DASHBOARD_CLIENTS,
    )


EXPORT_HEADERS = (
    "SIREN",
    "Dénomination",
    "Étape",
    "Catégorie d'entreprise",
    "Régime de TVA",
    "Réception obligatoire",
    "Émission obligatoire",
    "E-reporting obligatoire",
    "Cadence d'e-reporting",
    "Blocage",
)


async def workbook(session: AsyncSession, principal: Principal) -> bytes:
    assert principal.workspace_id is not None
    rows = await repository.client_rows(
        session, repository.firm_clients(principal.workspace_id), utcnow()
    )
    lines = []
    for row in rows:
        client = _client(row)
        duty = client.obligations
        lines.append(
            [
                client.siren,
                client.legal_name,
                STAGE_LABELS[client.stage],
                CATEGORY_LABELS[client.company_category] if client.company_category else "Inconnue",
                VAT_LABELS[client.vat_regime] if client.vat_regime else "Non renseigné",
                duty.reception_from.strftime("%d/%m/%Y"),
                duty.emission_from.strftime("%d/%m/%Y"),
                duty.e_reporting_from.strftime("%d/%m/%Y"),
                duty.e_reporting_cadence or "Régime de TVA à renseigner",
                client.blocked_reason,
            ]
        )
    return write_workbook("Préparation", EXPORT_HEADERS, lines)


async def client_readiness(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> ReadinessClient:
    client = await clients_service.get_client(session, principal, client_id)
    return await _readiness_of(session, client.firm_id, client.id)


async def _readiness_of(
    session: AsyncSession, firm_id: uuid.UUID, client_id: uuid.UUID
) -> ReadinessClient:
    (row,) = list(
        await repository.client_rows(
            session, repository.firm_clients(firm_id), utcnow(), client_id=client_id
        )
    )
    return _client(row)


async def update(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID, data: ReadinessIn
) -> ReadinessClient:
    client = await clients_service.get_client(session, principal, client_id)
    readiness = await repository.get_readiness(session, client.id)
    if readiness is None:
        readiness = ClientReadiness(client_id=client.id, firm_id=client.firm_id)
        session.add(readiness)
    fields = data.model_fields_set
    if "company_category" in fields:
        readiness.company_category = data.company_category
    if "vat_regime" in fields:
        readiness.vat_regime = data.vat_regime
    readiness.updated_at = utcnow()
    await session.flush()
    return await _readiness_of(session, client.firm_id, client.id)


# ---------------------------------------------------------------- the seal check


class PdfTooLarge(AppError):
    status = 413
    code = "pdf-too-large"
    title = "Fichier trop volumineux"


class NotAPdf(UnprocessableEntity):
    code = "not-a-pdf"
    title = "Ce fichier n'est pas un PDF lisible"


async def read_capped(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PdfTooLarge(f"Le fichier dépasse {limit // (1024 * 1024)} Mo.")
        chunks.append(chunk)
    return b"".join(chunks)


def _summary(check: SealCheck) -> str:
    if not check.signed:
        return "Ce PDF ne porte aucun sceau ni signature électronique."
    if not check.intact:
        return "Le document a été modifié après son scellement : le sceau est invalide."
    if not check.valid:
        return "La signature ne correspond pas au certificat : le sceau est invalide."
    if not check.whole_document:
        return (
            "Le sceau est intact mais ne couvre pas tout le fichier : du contenu a été ajouté "
            "après le scellement."
        )
    if not check.platform_seal:
        return "Le document est signé, mais pas avec le sceau de cette plateforme."
    return "Sceau valide : document intact et entièrement couvert par le sceau de la plateforme."


async def check_seal(settings: Settings, content: bytes) -> SealCheckOut:
    if not content.startswith(b"%PDF-"):
        raise NotAPdf("Envoyez le fichier PDF du mandat.")
    try:
        check = await verify_pdf(content, seal_identity(settings))
    except UnreadablePdf:
        raise NotAPdf("Le PDF est illisible ou endommagé.") from None
    return SealCheckOut(
        ok=check.ok,
        signed=check.signed,
        intact=check.intact,
        valid=check.valid,
        whole_document=check.whole_document,
        platform_seal=check.platform_seal,
        certificate_subject=check.certificate_subject,
        certificate_sha256=check.certificate_sha256,
        self_signed=check.self_signed,
        signed_at=check.signed_at,
        signatures=check.signatures,
        summary=_summary(check),
    )
