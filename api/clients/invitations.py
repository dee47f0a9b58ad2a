"""The client lifecycle: "Inviter" mails the client's contact a single-use activation link;
when the contact enrolls a phone with it, the client becomes *Actif*.

- The first invitation prepares the company's space (a `company` workspace with the client's
  identity, `Client.company_workspace_id`) and gives the contact an *invited* `company_user`
  membership there. The link is an enrollment link into that space, so enrolling activates
  the membership (members service) and the client (`accept_into_workspace`, below).
- Every sending issues a new link and the previous one dies (`enrollments.issue`): "Inviter"
  again, a reminder and a re-invite after expiry are the same act, counted in
  `invitation_reminders`.
- A member of the firm is never a client's contact: as a company user they would read the
  client's documents, which a Gestionnaire de clients must never see (DESIGN, "Who uses it").

Services flush, never commit: the request's unit of work (or the command's) commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.audit.service import Author
from api.clients import messages, repository
from api.clients import service as clients_service
from api.clients.schemas import InvitationResult
from api.core.actor import Actor
from api.core.authz import Role
from api.core.errors import AppError, Conflict, UnprocessableEntity
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.enrollments import service as enrollments
from api.enrollments.service import Acceptance
from api.mail import service as mail
from api.models.client import Client, ClientStatus
from api.models.enrollment_token import EnrollmentPurpose
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent

MAX_REMINDERS_PER_CALL = 500


class ClientAlreadyActive(Conflict):
    code = "client-already-active"
    title = "Ce client est déjà actif"


class ContactEmailMissing(UnprocessableEntity):
    code = "contact-email-missing"
    title = "Le client n'a pas d'adresse e-mail de contact"


class ContactIsFirmMember(Conflict):
    code = "contact-is-firm-member"
    title = "Cette adresse est celle d'un collaborateur du cabinet"


class ContactAccountClosed(Conflict):
    code = "contact-account-closed"
    title = "Le compte Comptoir de ce contact est fermé"


async def invite(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_id: uuid.UUID,
) -> Client:
    """Send the client's invitation (or a new link, the previous one dying)."""
    client = await repository.get_readable_for_update(session, actor.principal, client_id)
    if client is None:
        raise clients_service.ClientNotFound()
    await _send(session, settings, Author.of(actor.principal), actor.origin, client)
    return client


async def bulk_invite(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
) -> list[InvitationResult]:
    """Invite many clients: one result per client, one failure never stops the others."""
    results = []
    for client_id in dict.fromkeys(client_ids):
        client = await repository.get_readable_for_update(session, actor.principal, client_id)
        if client is None:
            results.append(
                InvitationResult(
                    id=client_id,
                    ok=False,
                    error=clients_service.ClientNotFound.code,
                    detail=clients_service.ClientNotFound.title,
                )
            )
            continue
        results.append(
            await _send_alone(session, settings, Author.of(actor.principal), actor.origin, client)
        )
    return results


@dataclass(frozen=True, slots=True)
class Reminders:
    results: list[InvitationResult]
    more: bool  # more clients were due than this run handled


async def remind_firm(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    *,
    older_than_days: int | None,
    max_reminders: int | None,
) -> Reminders:
    """Remind the caller's firm's invited clients (see `remind`)."""
    assert actor.principal.workspace_id is not None  # `require(...)` guarantees it
    return await remind(
        session,
        settings,
        actor.origin,
        author=Author.of(actor.principal),
        firm_id=actor.principal.workspace_id,
        older_than_days=older_than_days,
        max_reminders=max_reminders,
    )


async def remind(
    session: AsyncSession,
    settings: Settings,
    origin: RequestOrigin,
    *,
    author: Author,
    firm_id: uuid.UUID | None,
    older_than_days: int | None = None,
    max_reminders: int | None = None,
    limit: int = MAX_REMINDERS_PER_CALL,
    skip: Sequence[uuid.UUID] = (),
) -> Reminders:
    """A new link for the invited clients whose latest one went out `older_than_days` ago or
    more (expired or not), except those reminded `max_reminders` times already. One firm's,
    or every firm's when `firm_id` is None (the `comptoir clients remind` command)."""
    days = older_than_days or settings.client_invitation_reminder_days
    ceiling = settings.client_invitation_max_reminders if max_reminders is None else max_reminders
    due = await repository.clients_to_remind(
        session,
        firm_id=firm_id,
        sent_before=utcnow() - timedelta(days=days),
        max_reminders=ceiling,
        limit=limit + 1,
        skip=skip,
    )
    results = [
        await _send_alone(session, settings, author, origin, client) for client in due[:limit]
    ]
    return Reminders(results, more=len(due) > limit)


async def _send_alone(
    session: AsyncSession,
    settings: Settings,
    author: Author,
    origin: RequestOrigin,
    client: Client,
) -> InvitationResult:
    """`_send` in its own savepoint: its failure undoes only its own writes."""
    client_id = client.id
    try:
        async with session.begin_nested():
            reinvited = await _send(session, settings, author, origin, client)
    except AppError as error:
        return InvitationResult(id=client_id, ok=False, error=error.code, detail=str(error))
    except IntegrityError:  # the same contact created by a concurrent request
        return InvitationResult(
            id=client_id,
            ok=False,
            error="conflict",
            detail="Modifié en même temps par une autre action : réessayez.",
        )
    return InvitationResult(
        id=client_id,
        ok=True,
        outcome="reinvited" if reinvited else "invited",
        invitation_expires_at=client.invitation_expires_at,
    )


async def _send(
    session: AsyncSession,
    settings: Settings,
    author: Author,
    origin: RequestOrigin,
    client: Client,
) -> bool:
    """Mail the contact a fresh link into the company's space; True when it replaces an
    earlier invitation."""
    if client.status == ClientStatus.ACTIVE:
        raise ClientAlreadyActive(f"{client.legal_name} a déjà activé son espace.")
    if not client.contact_email:
        raise ContactEmailMissing(
            "Renseignez l'adresse e-mail du contact de l'entreprise, puis invitez-le."
        )
    email = client.contact_email.strip().lower()
    user = await repository.user_by_email(session, email)
    if user is not None:
        if await repository.membership_in(session, client.firm_id, user.id) is not None:
            raise ContactIsFirmMember(
                f"{email} est un collaborateur du cabinet : indiquez comme contact une personne "
                "de l'entreprise (un collaborateur verrait ses documents dans son espace)."
            )
        if user.deleted_at is not None:
            raise ContactAccountClosed(
                f"Le compte de {email} est fermé : indiquez un autre contact."
            )
    if client.invited_user_id is not None and (user is None or user.id != client.invited_user_id):
        await forget_invitation(session, client)  # the contact changed since the last sending
    space = await _company_space(session, client)
    if user is None:
        user = User(
            id=uuid.uuid4(),
            email=email,
            first_name=client.contact_first_name or "",
            last_name=client.contact_last_name or "",
        )
        session.add(user)
        await session.flush()
    if await repository.membership_in(session, space.id, user.id) is None:
        session.add(
            Membership(
                id=uuid.uuid4(),
                workspace_id=space.id,
                user_id=user.id,
                roles=frozenset({Role.COMPANY_USER}),
                status=MembershipStatus.INVITED,
            )
        )
        await session.flush()
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=user.id,
        workspace_id=space.id,
        purpose=EnrollmentPurpose.INVITATION,
    )
    firm = await repository.get_workspace(session, client.firm_id)
    assert firm is not None  # the client's firm: the foreign key guarantees it
    reinvited = client.invited_at is not None
    await mail.queue(
        session,
        messages.client_invitation_mail(
            to=user.email,
            first_name=client.contact_first_name or user.first_name or None,
            firm_name=firm.name,
            company_name=client.legal_name,
            url=enrollment.url,
            expires_at=enrollment.record.expires_at,
            reminder=reinvited,
        ),
        dedupe_key=f"enrollment:{enrollment.record.id}",
    )
    client.invited_at = enrollment.record.created_at
    client.invitation_expires_at = enrollment.record.expires_at
    client.invitation_reminders = client.invitation_reminders + 1 if reinvited else 0
    client.invited_user_id = user.id
    await session.flush()
    await audit.record_as(
        session,
        "client.invitation_resent" if reinvited else "client.invited",
        author=author,
        origin=origin,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data={
            "email": email,
            "company_workspace_id": space.id,
            "expires_at": client.invitation_expires_at,
            "reminders": client.invitation_reminders,
        },
    )
    await webhooks_service.publish(
        session,
        client.firm_id,
        WebhookEvent.CLIENT_INVITED,
        _event(client)
        | {
            "contact_email": email,
            "expires_at": client.invitation_expires_at.isoformat(),
            "reminders": client.invitation_reminders,
        },
    )
    return reinvited


class NoInvitationPending(Conflict):
    code = "no-invitation-pending"
    title = "Aucune invitation en attente pour ce client"


async def withdraw(session: AsyncSession, actor: Actor, client_id: uuid.UUID) -> Client:
    """Cancel the pending invitation: its link dies, the client is back to "not sent"."""
    client = await repository.get_readable_for_update(session, actor.principal, client_id)
    if client is None:
        raise clients_service.ClientNotFound()
    if client.status != ClientStatus.INVITED or client.invited_user_id is None:
        raise NoInvitationPending()
    await forget_invitation(session, client)
    await audit.record(
        session,
        "client.invitation_withdrawn",
        actor=actor,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
    )
    return client


async def forget_invitation(session: AsyncSession, client: Client) -> None:
    """The invited person's link dies and they leave the prepared space (invitation
    withdrawn, or the contact changed: the previous person must not activate the space)."""
    if client.status != ClientStatus.INVITED or client.invited_user_id is None:
        return
    if client.company_workspace_id is not None:
        await enrollments.revoke(
            session, user_id=client.invited_user_id, workspace_id=client.company_workspace_id
        )
        await repository.delete_invited_membership(
            session, client.company_workspace_id, client.invited_user_id
        )
    client.invited_user_id = None
    client.invited_at = None
    client.invitation_expires_at = None
    client.invitation_reminders = 0
    await session.flush()


async def _company_space(session: AsyncSession, client: Client) -> Workspace:
    """The client's company space, created with its identity at the first invitation."""
    if client.company_workspace_id is not None:
        space = await repository.get_workspace(session, client.company_workspace_id)
        if space is not None:
            return space
    space = Workspace(
        id=uuid.uuid4(),
        kind=WorkspaceKind.COMPANY,
        name=client.legal_name[:200],
        siren=client.siren,
        siret=client.siret,
        vat_number=client.vat_number,
        address_line=client.address_line[:300] if client.address_line else None,
        postal_code=client.postal_code,
        city=client.city[:100] if client.city else None,
    )
    session.add(space)
    await session.flush()
    client.company_workspace_id = space.id
    return space


async def accept_into_workspace(session: AsyncSession, accepted: Acceptance) -> None:
    """The invited contact enrolled a phone with the link into the company's space: the
    client becomes Actif (their membership there was activated by the members service). An
    `api.enrollments` acceptance handler."""
    user_id, device_id, workspace_id = accepted.user_id, accepted.device_id, accepted.workspace_id
    origin = accepted.origin
    client = await repository.invited_client_of_company(session, workspace_id)
    if client is None or client.invited_user_id != user_id:
        return
    client.status = ClientStatus.ACTIVE
    client.activated_at = utcnow()
    await session.flush()
    await audit.record_as(
        session,
        "client.activated",
        author=Author.device(user_id, device_id),
        origin=origin,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data={"user_id": user_id, "company_workspace_id": workspace_id},
    )
    await webhooks_service.publish(
        session,
        client.firm_id,
        WebhookEvent.CLIENT_ACTIVATED,
        _event(client)
        | {
            "company_workspace_id": str(workspace_id),
            "activated_at": client.activated_at.isoformat(),
        },
    )


def _event(client: Client) -> dict[str, object]:
    """What integrations receive about a client (the shape of `client.created`)."""
    return {
        "client_id": str(client.id),
        "siren": client.siren,
        "siret": client.siret,
        "legal_name": client.legal_name,
        "status": client.status.value,
    }
