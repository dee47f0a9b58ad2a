"""Plain helpers that arrange data the way users do (through the services and the HTTP API),
and a test phone and browser that speak the login protocol (docs/auth.md)."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siren as siren_number

from api.auth.protocol import (
    Decision,
    device_session_message,
    login_decision_message,
    redeem_message,
)
from api.core.authz import FIRM_ROLES, Role
from api.core.crypto import private_key_public_jwk, sign_es256
from api.core.settings import Settings
from api.enrollments import service as enrollments
from api.firms import service as firms_service
from api.firms.schemas import FirmCreate
from api.models.enrollment_token import EnrollmentPurpose
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace


def random_siren() -> str:
    """A SIREN with a valid Luhn key (invented, like the shared SIRENE sample's)."""
    while True:
        candidate = f"{secrets.randbelow(10**9):09d}"
        if siren_number.is_valid(candidate) and candidate[0] != "0":
            return candidate


async def create_firm(
    session: AsyncSession,
    settings: Settings,
    *,
    name: str = "Cabinet Martin & Associés",
    owner_email: str | None = None,
) -> firms_service.CreatedFirm:
    created = await firms_service.create_firm(
        session,
        settings,
        FirmCreate(
            name=name,
            siren=random_siren(),
            owner_email=owner_email or f"claire.{uuid.uuid4().hex[:6]}@cabinet-martin.fr",
            owner_first_name="Claire",
            owner_last_name="Martin",
        ),
    )
    await session.commit()
    return created


async def create_member(
    session: AsyncSession,
    settings: Settings,
    workspace: Workspace,
    roles: frozenset[Role],
    *,
    first_name: str = "Paul",
) -> tuple[User, str]:
    """An invited member of `workspace` and their single-use enrollment link."""
    user = User(
        id=uuid.uuid4(),
        email=f"{first_name.lower()}.{uuid.uuid4().hex[:6]}@cabinet-martin.fr",
        first_name=first_name,
        last_name="Durand",
    )
    session.add(user)
    await session.flush()
    session.add(
        Membership(
            workspace_id=workspace.id, user_id=user.id, roles=roles, status=MembershipStatus.INVITED
        )
    )
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=user.id,
        workspace_id=workspace.id,
        purpose=EnrollmentPurpose.INVITATION,
    )
    await session.commit()
    return user, enrollment.url


@dataclass
class Phone:
    """An enrolled device, as the mobile app holds it."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    device_id: str | None = None
    access_token: str | None = None

    @property
    def public_jwk(self) -> dict[str, str]:
        return private_key_public_jwk(self.private_key)

    async def enroll(self, client: httpx.AsyncClient, link: str) -> httpx.Response:
        response = await client.post(
            "/api/v1/devices",
            json={
                "enrollment_token": link,
                "public_key": self.public_jwk,
                "name": "iPhone de test",
                "platform": "ios",
            },
        )
        if response.status_code == 201:
            self.device_id = response.json()["id"]
        return response

    async def open_session(
        self, client: httpx.AsyncClient, workspace_id: str | None = None
    ) -> httpx.Response:
        nonce = (await client.post("/api/v1/auth/device-sessions/nonces")).json()
        issued_at = int(time.time())
        message = device_session_message(
            audience=nonce["audience"],
            device_id=str(self.device_id),
            nonce=nonce["nonce"],
            issued_at=issued_at,
        )
        response = await client.post(
            "/api/v1/auth/device-sessions",
            json={
                "device_id": self.device_id,
                "nonce": nonce["nonce"],
                "issued_at": issued_at,
                "signature": sign_es256(self.private_key, message),
            }
            | ({"workspace_id": workspace_id} if workspace_id else {}),
        )
        if response.status_code == 201:
            self.access_token = response.json()["access_token"]
        return response

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    async def context(self, client: httpx.AsyncClient, challenge_id: str) -> httpx.Response:
        return await client.get(
            f"/api/v1/auth/login-challenges/{challenge_id}/context", headers=self.auth
        )

    def sign_decision(
        self,
        context: dict[str, Any],
        decision: Decision,
        *,
        device_id: str | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        issued_at = overrides.pop("issued_at", int(time.time()))
        fields = {
            "audience": context["audience"],
            "challenge_id": context["challenge_id"],
            "browser_key_thumbprint": context["browser_key_thumbprint"],
            "server_nonce": context["server_nonce"],
            "decision": decision,
            "device_id": device_id or str(self.device_id),
            "issued_at": issued_at,
        } | overrides
        return {
            "decision": decision.value,
            "device_id": device_id or self.device_id,
            "issued_at": issued_at,
            "signature": sign_es256(self.private_key, login_decision_message(**fields)),
        }

    async def decide(
        self, client: httpx.AsyncClient, challenge_id: str, decision: Decision = Decision.APPROVE
    ) -> httpx.Response:
        context = (await self.context(client, challenge_id)).json()
        return await client.post(
            f"/api/v1/auth/login-challenges/{challenge_id}/decision",
            headers=self.auth,
            json=self.sign_decision(context, decision),
        )


@dataclass
class Browser:
    """A browser tab with its ephemeral key, showing a QR code."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    challenge: dict[str, Any] = field(default_factory=dict)

    async def show_qr(self, client: httpx.AsyncClient) -> httpx.Response:
        response = await client.post(
            "/api/v1/auth/login-challenges",
            json={"browser_key": private_key_public_jwk(self.private_key)},
        )
        if response.status_code == 201:
            self.challenge = response.json()
        return response

    @property
    def challenge_id(self) -> str:
        return str(self.challenge["challenge_id"])

    def redeem_signature(self, **overrides: str) -> str:
        fields = {
            "audience": self.challenge["audience"],
            "challenge_id": self.challenge_id,
            "server_nonce": self.challenge["server_nonce"],
        } | overrides
        return sign_es256(self.private_key, redeem_message(**fields))

    async def redeem(self, client: httpx.AsyncClient, mode: str = "cookie") -> httpx.Response:
        return await client.post(
            f"/api/v1/auth/login-challenges/{self.challenge_id}/redeem",
            json={"signature": self.redeem_signature(), "mode": mode},
        )


async def enrolled_phone(client: httpx.AsyncClient, link: str) -> Phone:
    phone = Phone()
    assert (await phone.enroll(client, link)).status_code == 201
    assert (await phone.open_session(client)).status_code == 201
    return phone


async def bearer_login(client: httpx.AsyncClient, phone: Phone) -> dict[str, Any]:
    """The whole QR login in bearer mode; returns the token pair."""
    browser = Browser()
    assert (await browser.show_qr(client)).status_code == 201
    assert (await phone.decide(client, browser.challenge_id)).status_code == 200
    response = await browser.redeem(client, mode="bearer")
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def pending_qr_login(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> tuple[Phone, Browser]:
    """A new firm's owner with an enrolled phone, and a browser showing a QR code: a login
    waiting for the phone's decision."""
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    browser = Browser()
    assert (await browser.show_qr(client)).status_code == 201
    return phone, browser


ALL_FIRM_ROLES = FIRM_ROLES


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def logged_in_member(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    workspace: Workspace,
    roles: frozenset[Role],
    *,
    first_name: str = "Paul",
) -> tuple[User, dict[str, str]]:
    """A member who accepted their invitation (device enrolled) and logged in by QR code;
    returns the user and the `Authorization` header of their bearer session."""
    user, link = await create_member(session, settings, workspace, roles, first_name=first_name)
    phone = await enrolled_phone(client, link)
    return user, bearer(await bearer_login(client, phone))


async def logged_in_owner(
    client: httpx.AsyncClient, firm: firms_service.CreatedFirm
) -> dict[str, str]:
    phone = await enrolled_phone(client, firm.enrollment.url)
    return bearer(await bearer_login(client, phone))


async def every_page(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    params: dict[str, str],
    *,
    field: str = "id",
    limit: int = 2,
) -> list[Any]:
    """`field` of every item a cursor-paged list gives for `params`, `limit` per page,
    following `next_cursor` to the end."""
    values: list[Any] = []
    cursor: str | None = None
    while True:
        query = params | {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        page = await client.get(url, params=query, headers=headers)
        assert page.status_code == 200, page.text
        values.extend(item[field] for item in page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return values
