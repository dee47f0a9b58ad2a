"""The demo firm of the quickstart, and how its owner logs in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.firms import repository, service
from api.firms.schemas import FirmCreate

DEMO_FIRM = FirmCreate(
    name="Cabinet Martin & Associés",
    siren="901234567",
    owner_email="claire.martin@cabinet-martin.fr",
    owner_first_name="Claire",
    owner_last_name="Martin",
)


async def seed_demo_firm(session: AsyncSession, settings: Settings) -> list[str]:
    firm = await repository.firm_by_siren(session, DEMO_FIRM.siren)
    if firm is None:
        created = await service.create_firm(session, settings, DEMO_FIRM)
        firm, owner, link = created.firm, created.owner, created.enrollment.url
    else:
        existing_owner = await repository.user_by_email(session, DEMO_FIRM.owner_email)
        assert existing_owner is not None
        owner = existing_owner
        if await repository.has_device(session, owner.id):
            return [
                f"Cabinet de démonstration : {firm.name} ({owner.email}, appareil déjà enrôlé).",
                "Connexion : ouvrez l'application puis `comptoir device approve <adresse du QR>`.",
            ]
        link = (await service.new_owner_enrollment(session, settings, firm, owner)).url
    return [
        f"Cabinet de démonstration : {firm.name}, "
        f"propriétaire {owner.display_name} ({owner.email}).",
        "1. Enrôlez un appareil (lien à usage unique) :",
        f"     .venv/bin/comptoir device enroll '{link}'",
        f"2. Ouvrez {settings.token_audience}, puis approuvez le code QR affiché :",
        "     .venv/bin/comptoir device approve '<adresse du QR>'",
        "   (l'adresse est sous le QR, derrière « Pas d'appareil photo ? Utiliser le lien du "
        "code QR »)",
    ]
