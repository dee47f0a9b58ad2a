"""Firm workspaces. `create_firm` is what the SSO registration ends with, and what
`comptoir firm create` does directly for self-hosters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siren as siren_number

from api.audit import service as audit
from api.audit.service import SYSTEM, Author
from api.companies.service import InvalidSiren
from api.core.authz import FIRM_ROLES
from api.core.errors import Conflict
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.enrollments import service as enrollments
from api.enrollments.service import IssuedEnrollment
from api.firms import repository
from api.firms.schemas import FirmCreate
from api.models.enrollment_token import EnrollmentPurpose
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind


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
    session: AsyncSession, settings: Settings, data: FirmCreate, author: Author = SYSTEM
) -> CreatedFirm:
    """Create the firm workspace and its owner (every firm role), and the owner's single-use
    device enrollment link. The owner becomes active once their device is enrolled."""
    firm = await _new_firm(session, FirmDetails(name=data.name, siren=data.siren))
    owner = await repository.user_by_email(session, data.owner_email)
    if owner is None:
        owner = User(
            id=uuid.uuid4(),
            email=data.owner_email.lower(),
            first_name=data.owner_first_name,
            last_name=data.owner_last_name,
        )
        session.add(owner)
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
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=owner.id,
        workspace_id=firm.id,
        purpose=EnrollmentPurpose.FIRM_OWNER,
    )
    await _record_created(session, firm, owner, author)
    return CreatedFirm(firm, owner, enrollment)


@dataclass(frozen=True, slots=True)
class FirmDetails:
    """What a firm workspace is made of; the address comes from the company registry."""

    name: str
    siren: str
    siret: str | None = None
    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None


async def create_firm_for_verified_owner(
    session: AsyncSession,
    details: FirmDetails,
    owner: User,
    *,
    author: Author,
    origin: RequestOrigin | None = None,
) -> Workspace:
    """The end of SSO registration: the owner's identity is verified and their device already
    enrolled, so they are an active member with every firm role at once."""
    firm = await _new_firm(session, details)
    session.add(
        Membership(
            workspace_id=firm.id,
            user_id=owner.id,
            roles=FIRM_ROLES,
            status=MembershipStatus.ACTIVE,
        )
    )
    await session.flush()
    await _record_created(session, firm, owner, author, origin)
    return firm


async def ensure_siren_is_free(session: AsyncSession, siren: str) -> None:
    """Refuse a malformed SIREN, or one a firm already uses."""
    if not siren_number.is_valid(siren):
        raise InvalidSiren("Le SIREN doit comporter 9 chiffres et une clé de contrôle valide.")
    if await repository.firm_by_siren(session, siren) is not None:
        raise FirmAlreadyRegistered(f"Un cabinet avec le SIREN {siren} existe déjà.")


async def _new_firm(session: AsyncSession, details: FirmDetails) -> Workspace:
    await ensure_siren_is_free(session, details.siren)
    firm = Workspace(
        id=uuid.uuid4(),
        kind=WorkspaceKind.FIRM,
        name=details.name,
        siren=details.siren,
        siret=details.siret,
        vat_number=vat_number_of(details.siren),
        address_line=details.address_line,
        postal_code=details.postal_code,
        city=details.city,
    )
    try:
        # The partial unique index on firm SIRENs settles a race between two registrations
        # of the same firm (the check above cannot): the loser gets the same clear 409.
        async with session.begin_nested():
            session.add(firm)
    except IntegrityError as error:
        raise FirmAlreadyRegistered(
            f"Un cabinet avec le SIREN {details.siren} existe déjà."
        ) from error
    return firm


async def _record_created(
    session: AsyncSession,
    firm: Workspace,
    owner: User,
    author: Author,
    origin: RequestOrigin | None = None,
) -> None:
    await audit.record_as(
        session,
        "firm.created",
        author=author,
        origin=origin,
        workspace_id=firm.id,
        target_type="workspace",
        target_id=firm.id,
        data={"name": firm.name, "siren": firm.siren, "owner_email": owner.email},
    )


async def new_owner_enrollment(
    session: AsyncSession, settings: Settings, firm: Workspace, owner: User
) -> IssuedEnrollment:
    return await enrollments.issue(
        session,
        settings,
        user_id=owner.id,
        workspace_id=firm.id,
        purpose=EnrollmentPurpose.FIRM_OWNER,
    )


async def find_by_siren(session: AsyncSession, siren: str) -> Workspace | None:
    return await repository.firm_by_siren(session, siren)


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await repository.user_by_email(session, email)
