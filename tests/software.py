"""The world of software calling the standard APIs: a firm with a certified client and an
uncertified one, a rival firm with its own certified client, their API keys, and company keys
for two company spaces. Keys are made the way users make them (the HTTP API for a firm's owner,
`comptoir api-keys create` for a company)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys.cli import create_key
from api.core.authz import Role, Scope
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.client import Client, ClientStatus, PaStatus
from api.models.membership import Membership, MembershipStatus
from api.models.pa_designation import MandateCertification, PaDesignation
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind
from tests.clients.conftest import log_in
from tests.companies.conftest import load_sirene_sample
from tests.einvoicing.conftest import certified
from tests.helpers import create_firm

# Active companies of the shared SIRENE sample.
CERTIFIED_SIREN = "610869075"
UNCERTIFIED_SIREN = "624000170"
RIVAL_CLIENT_SIREN = "414617811"
# The seller (« VENDEUR ») and the buyer (« ACHETEUR ») of the standard's example invoices
# (../shared/data/afnor/examples): an invoice is deposited by its seller.
EXAMPLES_SELLER_SIREN = "100000009"
EXAMPLES_BUYER_SIREN = "200000008"

SOFTWARE_SCOPES = [Scope.FLOWS_READ, Scope.FLOWS_WRITE, Scope.DIRECTORY_READ]


@dataclass
class Key:
    client_id: str
    secret: str

    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@dataclass
class SoftwareWorld:
    firm_key: Key
    rival_key: Key
    company_key: Key  # the certified client's own company space
    rival_company_key: Key  # the rival firm's client's company space
    certified_client_id: str
    seller_client_id: str  # the examples' seller, a certified client of the firm
    buyer_client_id: str  # the examples' buyer, another one
    uncertified_client_id: str
    rival_client_id: str
    firm_siren: str
    firm_owner: dict[str, str]  # the firm's owner, logged in (bearer)
    rival_owner: dict[str, str]


async def _firm_with_clients(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    name: str,
    certified_siren: str,
    uncertified_siren: str | None,
) -> tuple[Key, str, str | None, str, dict[str, str]]:
    created = await create_firm(session, settings, name=name)
    owner = await log_in(client, created.enrollment.url)
    ids: list[str] = []
    for siren in [certified_siren, uncertified_siren]:
        if siren is None:
            continue
        added = await client.post("/api/v1/clients", json={"identifier": siren}, headers=owner)
        assert added.status_code == 201, added.text
        ids.append(added.json()["id"])
    activated = await client.post(
        f"/api/v1/clients/{ids[0]}/einvoicing/activation", json=certified(), headers=owner
    )
    assert activated.status_code == 202, activated.text
    minted = await client.post(
        "/api/v1/api-keys",
        headers=owner,
        json={"name": "Logiciel de facturation", "scopes": [s.value for s in SOFTWARE_SCOPES]},
    )
    assert minted.status_code == 201, minted.text
    key = Key(minted.json()["id"], minted.json()["secret"])
    assert created.firm.siren is not None
    return key, ids[0], ids[1] if len(ids) > 1 else None, created.firm.siren, owner


async def company_space(session: AsyncSession, client_id: str, siren: str) -> Key:
    """The client's company space with one active user, and a key minted from the CLI."""
    workspace = Workspace(
        id=uuid.uuid4(), kind=WorkspaceKind.COMPANY, name="Entreprise", siren=siren
    )
    user = User(
        id=uuid.uuid4(),
        email=f"compta.{uuid.uuid4().hex[:6]}@entreprise.fr",
        first_name="Léa",
        last_name="Petit",
    )
    session.add_all([workspace, user])
    await session.flush()
    session.add(
        Membership(
            workspace_id=workspace.id,
            user_id=user.id,
            roles=frozenset({Role.COMPANY_USER}),
            status=MembershipStatus.ACTIVE,
        )
    )
    await session.flush()
    await session.execute(
        update(Client)
        .where(Client.id == uuid.UUID(client_id))
        .values(company_workspace_id=workspace.id)
    )
    created = await create_key(
        session, siren, "ERP de l'entreprise", frozenset(SOFTWARE_SCOPES), user.email
    )
    await session.commit()
    return Key(created.key_id, created.secret)


async def certified_client(session: AsyncSession, firm_siren: str, siren: str, name: str) -> str:
    """A client of the firm whose mandate is certified and designation registered, written
    directly (the examples' parties are not in the SIRENE sample the HTTP API adds from)."""
    firm_id = await session.scalar(
        select(Workspace.id).where(
            Workspace.siren == firm_siren, Workspace.kind == WorkspaceKind.FIRM
        )
    )
    assert firm_id is not None
    client = Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        siren=siren,
        legal_name=name,
        search_name=" " + name.lower(),
        sort_name=name.lower(),
        status=ClientStatus.ACTIVE,
        pa_status=PaStatus.REGISTERED,
    )
    certification = MandateCertification(
        id=uuid.uuid4(),
        firm_id=firm_id,
        text_version=CURRENT_CERTIFICATION.version,
        text=CURRENT_CERTIFICATION.text,
        actor_kind="system",
        roles=[],
    )
    session.add_all([client, certification])
    await session.flush()
    session.add(
        PaDesignation(
            firm_id=firm_id,
            client_id=client.id,
            certification_id=certification.id,
            status=PaStatus.REGISTERED,
            siren=siren,
            date_from=date(2026, 9, 1),
        )
    )
    await session.commit()
    return str(client.id)


async def software_world(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> SoftwareWorld:
    await load_sirene_sample(session)
    await session.commit()
    firm_key, certified_id, uncertified_id, firm_siren, owner = await _firm_with_clients(
        client, session, settings, "Cabinet Martin", CERTIFIED_SIREN, UNCERTIFIED_SIREN
    )
    rival_key, rival_client_id, _, _, rival_owner = await _firm_with_clients(
        client, session, settings, "Cabinet Rival", RIVAL_CLIENT_SIREN, None
    )
    assert uncertified_id is not None
    seller_id = await certified_client(session, firm_siren, EXAMPLES_SELLER_SIREN, "VENDEUR")
    buyer_id = await certified_client(session, firm_siren, EXAMPLES_BUYER_SIREN, "ACHETEUR")
    return SoftwareWorld(
        firm_key=firm_key,
        rival_key=rival_key,
        company_key=await company_space(session, certified_id, CERTIFIED_SIREN),
        rival_company_key=await company_space(session, rival_client_id, RIVAL_CLIENT_SIREN),
        certified_client_id=certified_id,
        seller_client_id=seller_id,
        buyer_client_id=buyer_id,
        uncertified_client_id=uncertified_id,
        rival_client_id=rival_client_id,
        firm_siren=firm_siren,
        firm_owner=owner,
        rival_owner=rival_owner,
    )


async def token_for(
    client: httpx.AsyncClient, key: Key, scope: str = "flows:read flows:write directory:read"
) -> dict[str, str]:
    response = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": scope},
        headers=key.basic(),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
