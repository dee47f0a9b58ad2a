"""Firm workspaces. `create_firm` is what the SSO registration ends with, and what
`comptoir firm create` does directly for self-hosters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siren as siren_number

from api.audit import service as audit
from api.audit.service import SYSTEM, Actor
from api.core.authz import FIRM_ROLES
from api.core.errors import Conflict, UnprocessableEntity
from api.core.settings import Settings
from api.devices import service as devices_service
from api.devices.service import IssuedEnrollment
from api.firms import repository
from api.firms.schemas import FirmCreate
from api.models.enrollment_token import EnrollmentPurpose
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind


class InvalidSiren(UnprocessableEntity):
    code = "invalid-siren"
    title = "Numéro SIREN invalide"


class FirmAlreadyRegistered(Conflict):
    code = "firm-already-registered"
    title = "Ce cabinet est déjà inscrit"


def vat_number_of(siren: str) -> str:
    """French VAT number computed from the SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    return "FR" + siren_number.to_tva(siren)


@dataclass(frozen=True, slots=True)
class CreatedFirm:
    firm: Workspace
    owner: User
    enrollment: IssuedEnrollment


async def create_firm(
    session: AsyncSession, settings: Settings, data: FirmCreate, actor: Actor = SYSTEM
) -> CreatedFirm:
    """Create the firm workspace and its owner (every firm role), and the owner's single-use
    device enrollment link. The owner becomes active once their device is enrolled."""
    if not siren_number.is_valid(data.siren):
        raise InvalidSiren("Le SIREN doit comporter 9 chiffres et une clé de contrôle valide.")
    if await repository.firm_by_siren(session, data.siren) is not None:
        raise FirmAlreadyRegistered(f"Un cabinet avec le SIREN {data.siren} existe déjà.")
    firm = Workspace(
        id=uuid.uuid4(),
        kind=WorkspaceKind.FIRM,
        name=data.name,
        siren=data.siren,
        vat_number=vat_number_of(data.siren),
    )
    owner = await repository.user_by_email(session, data.owner_email)
    if owner is None:
        owner = User(
            id=uuid.uuid4(),
            email=data.owner_email.lower(),
            first_name=data.owner_first_name,
            last_name=data.owner_last_name,
        )
        session.add(owner)
    session.add(firm)
    await session.flush()
    session.add(
        Membership(
            workspace_id=firm.id,
            user_id=owner.id,
            roles=FIRM_ROLES,
            status=MembershipStatus.INVITED,
        )
    )
    await session.flush()
    enrollment = await devices_service.issue_enrollment(
        session,
        settings,
        user_id=owner.id,
        workspace_id=firm.id,
        purpose=EnrollmentPurpose.FIRM_OWNER,
    )
    await audit.record(
        session,
        "firm.created",
        actor=actor,
        workspace_id=firm.id,
        target_type="workspace",
        target_id=firm.id,
        data={"name": firm.name, "siren": firm.siren, "owner_email": owner.email},
    )
    return CreatedFirm(firm, owner, enrollment)


async def new_owner_enrollment(
    session: AsyncSession, settings: Settings, firm: Workspace, owner: User
) -> IssuedEnrollment:
    return await devices_service.issue_enrollment(
        session,
        settings,
        user_id=owner.id,
        workspace_id=firm.id,
        purpose=EnrollmentPurpose.FIRM_OWNER,
    )
