"""Demo step: a few collaborators invited into the demo firm, one per firm role, so the
members screen, the invitation mails (in the log) and the audit trail have something to show."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind, permissions_of
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.members import repository, service
from api.members.schemas import FirmRoleName, MemberInvite

DEMO_FIRM_SIREN = "901234567"
DEMO_COLLABORATORS: list[tuple[str, str, str, FirmRoleName]] = [
    ("Sophie", "Bernard", "sophie.bernard@cabinet-demo.example", "admin"),
    ("Karim", "Haddad", "karim.haddad@cabinet-demo.example", "client_manager"),
    ("Julie", "Moreau", "julie.moreau@cabinet-demo.example", "accountant"),
]


async def invite_demo_collaborators(session: AsyncSession, settings: Settings) -> list[str]:
    firm = await repository.firm_by_siren(session, DEMO_FIRM_SIREN)
    owner = await repository.first_owner(session, firm.id) if firm else None
    if firm is None or owner is None:
        return []
    # The demo acts as the firm's owner, through the same rules as the members API.
    principal = Principal(
        kind=PrincipalKind.USER,
        user_id=owner.user_id,
        workspace_id=firm.id,
        membership_id=owner.id,
        roles=owner.roles,
        permissions=permissions_of(owner.roles),
    )
    origin = RequestOrigin(ip=None, user_agent="comptoir demo")
    invited = []
    for first_name, last_name, email, role in DEMO_COLLABORATORS:
        user = await repository.user_by_email(session, email)
        if user and await repository.get_membership(session, user.id, firm.id):
            continue
        await service.invite(
            session,
            settings,
            Actor(principal=principal, origin=origin),
            MemberInvite(first_name=first_name, last_name=last_name, email=email, roles=[role]),
        )
        invited.append(f"{first_name} {last_name}")
    if not invited:
        return []
    return [
        f"Collaborateurs invités dans {firm.name} : {', '.join(invited)} "
        "(leurs courriels d'invitation s'affichent dans le journal de `comptoir run`)."
    ]
