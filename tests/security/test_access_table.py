"""Who may call what: every route of the API × {owner, Administrateur, Gestionnaire de
clients, Comptable, member of another firm, anonymous, an API key of the firm with every scope,
the Comptable's phone (a device session)} → the status each one gets.

Deny by default, and deny is 404 (never 403) for a role without the permission or for another
workspace's resource. The sessions are real: each persona enrolled a phone and logged in
through the QR protocol, once for the module; every case then runs in a savepoint rolled
back at its end.

Every later issue adds its routes here: `test_every_route_has_a_row` fails otherwise.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from starlette.routing import Route

from api.app import create_app
from api.core.authz import Role, Scope
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage
from api.models.user import User
from tests.companies.conftest import load_sirene_sample
from tests.helpers import (
    Phone,
    bearer,
    bearer_login,
    create_firm,
    create_member,
    enrolled_phone,
)


class Persona(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    CLIENT_MANAGER = "client_manager"
    ACCOUNTANT = "accountant"
    OTHER_FIRM = "other_firm"  # the owner of another firm: every permission, elsewhere
    ANONYMOUS = "anonymous"
    # An integration of firm A: a key minted by the owner with every scope. It holds what the
    # scopes grant and never a person's own account (sessions, devices, activity): 404.
    API_KEY = "api_key"
    # The Comptable's phone, in a device session: the Comptable's rights, plus the phone's own
    # steps of the login protocol.
    DEVICE = "device"


@dataclass
class World:
    """Firm A with one persona per role and a few members to act on; firm B next door."""

    client: httpx.AsyncClient
    connection: AsyncConnection
    headers: dict[Persona, dict[str, str]] = field(default_factory=dict)
    firm_id: uuid.UUID = field(default_factory=uuid.uuid4)
    active_member_id: uuid.UUID = field(default_factory=uuid.uuid4)
    invited_member_id: uuid.UUID = field(default_factory=uuid.uuid4)
    deactivated_member_id: uuid.UUID = field(default_factory=uuid.uuid4)
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)  # firm A's, assigned to the Comptable
    accountant_user_id: uuid.UUID = field(default_factory=uuid.uuid4)
    invoice_id: uuid.UUID = field(default_factory=uuid.uuid4)  # issued by firm A's client


Body = Callable[[World], dict[str, Any]] | None
PathValues = Callable[[World], dict[str, str]]


def _unknown(_world: World) -> dict[str, str]:
    unknown = str(uuid.uuid4())
    return {
        "challenge_id": "x" * 43,
        "approval_id": "x" * 32,
        "session_id": unknown,
        "device_id": unknown,
        "key_id": unknown,
        "webhook_id": unknown,
        "delivery_id": unknown,
        "import_id": unknown,
        "job_id": unknown,
        "document_id": unknown,
        "folder_id": unknown,
        "flow_id": unknown,
        "secret": "inconnu-" + "x" * 40,
    }


def _unknown_link(_world: World) -> dict[str, Any]:
    return {"token": "cpt_sig_" + "x" * 43}


def _client(world: World) -> dict[str, str]:
    return {"client_id": str(world.client_id), "user_id": str(world.accountant_user_id)}


def _member(attribute: str) -> PathValues:
    return lambda world: {"member_id": str(getattr(world, attribute))}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[Persona, int]
    body: Body = None
    path_values: PathValues = _unknown

    @property
    def route(self) -> tuple[str, str]:
        return self.method, self.path


def everyone(status: int) -> dict[Persona, int]:
    return dict.fromkeys(Persona, status)


def signed_in(status: int, *, api_key: int = 404) -> dict[Persona, int]:
    """Any session gets `status`; anonymous callers get 401; an API key is not a person (404
    unless said otherwise)."""
    return everyone(status) | {Persona.ANONYMOUS: 401, Persona.API_KEY: api_key}


def firm_roles(
    *,
    owner: int,
    admin: int,
    client_manager: int,
    accountant: int,
    other_firm: int,
    api_key: int | None = None,
) -> dict[Persona, int]:
    """Firm A's roles; its API key (every scope) gets the owner's answer unless said otherwise
    (a permission no scope grants), the Comptable's phone the Comptable's."""
    return {
        Persona.OWNER: owner,
        Persona.ADMIN: admin,
        Persona.CLIENT_MANAGER: client_manager,
        Persona.ACCOUNTANT: accountant,
        Persona.OTHER_FIRM: other_firm,
        Persona.ANONYMOUS: 401,
        Persona.API_KEY: owner if api_key is None else api_key,
        Persona.DEVICE: accountant,
    }


def _client_read(success: int = 200) -> dict[Persona, int]:
    # The Comptable is assigned to this client; another firm's owner does not see it.
    return firm_roles(
        owner=success, admin=404, client_manager=success, accountant=success, other_firm=404
    )


def _client_write(success: int = 200) -> dict[Persona, int]:
    return firm_roles(
        owner=success, admin=404, client_manager=success, accountant=404, other_firm=404
    )


def _clients_list() -> dict[Persona, int]:
    # Every reader gets its own firm's list (scoped: never a leak).
    return firm_roles(owner=200, admin=404, client_manager=200, accountant=200, other_firm=200)


def _firm_clients_write(success: int) -> dict[Persona, int]:
    # Firm-level writes without a target: another firm's owner gets its own answer.
    return firm_roles(
        owner=success, admin=404, client_manager=success, accountant=404, other_firm=success
    )


def _extensions(success: int) -> dict[Persona, int]:
    # No scope grants extensions:manage: a key never mints keys or hooks.
    return firm_roles(
        owner=success,
        admin=success,
        client_manager=404,
        accountant=404,
        other_firm=success,
        api_key=404,
    )


def _members_manage(success: int) -> dict[Persona, int]:
    # Another firm's member is a resource that does not exist for its owner: 404. No scope
    # grants members:manage.
    return firm_roles(
        owner=success,
        admin=success,
        client_manager=404,
        accountant=404,
        other_firm=404,
        api_key=404,
    )


SIGNATURE = "A" * 86  # well-formed base64url, signs nothing


def _browser_key(_world: World) -> dict[str, Any]:
    return {"browser_key": Phone().public_jwk}


def _decision(_world: World) -> dict[str, Any]:
    return {
        "decision": "approve",
        "device_id": str(uuid.uuid4()),
        "issued_at": int(time.time()),
        "signature": SIGNATURE,
    }


def _device_session(_world: World) -> dict[str, Any]:
    return {
        "device_id": str(uuid.uuid4()),
        "nonce": "unknown-nonce",
        "issued_at": int(time.time()),
        "signature": SIGNATURE,
    }


def _enrollment(_world: World) -> dict[str, Any]:
    return {
        "enrollment_token": "cpt_enr_unknown",
        "public_key": Phone().public_jwk,
        "name": "Téléphone",
        "platform": "ios",
    }


def _invitation(_world: World) -> dict[str, Any]:
    return {
        "first_name": "Nina",
        "last_name": "Roux",
        "email": f"nina.{uuid.uuid4().hex[:8]}@example.fr",
        "roles": ["accountant"],
    }


def _certified() -> dict[str, Any]:
    return {
        "certified": True,
        "certification_version": CURRENT_CERTIFICATION.version,
        "certification_text": CURRENT_CERTIFICATION.text,
    }


TABLE: list[Row] = [
    # --- public: the contract, health, and the login protocol's anonymous steps ---------
    Row("GET", "/api/v1/openapi.json", everyone(200)),
    Row("GET", "/api/v1/health", everyone(200)),
    Row("GET", "/api/v1/ready", everyone(200)),
    Row("GET", "/api/v1/auth/jwks", everyone(200)),
    Row("POST", "/api/v1/auth/login-challenges", everyone(201), _browser_key),
    Row("GET", "/api/v1/auth/login-challenges/{challenge_id}", everyone(404)),
    Row(
        "POST",
        "/api/v1/auth/login-challenges/{challenge_id}/redeem",
        everyone(404),
        lambda _w: {"signature": SIGNATURE, "mode": "bearer"},
    ),
    Row("POST", "/api/v1/auth/device-sessions/nonces", everyone(201)),
    Row("POST", "/api/v1/auth/device-sessions", everyone(401), _device_session),
    Row(
        "POST",
        "/api/v1/auth/token/refresh",
        everyone(401),
        lambda _w: {"refresh_token": "cpt_rt_unknown"},
    ),
    Row("POST", "/api/v1/devices", everyone(404), _enrollment),
    Row(
        "POST",
        "/api/v1/devices/enrollments/inspect",
        everyone(404),
        lambda _w: {"enrollment_token": "cpt_enr_unknown"},
    ),
    # --- the phone's steps: a device session only (the phone finds no such challenge) ------
    Row(
        "GET",
        "/api/v1/auth/login-challenges/{challenge_id}/context",
        everyone(401) | {Persona.DEVICE: 404},
    ),
    Row(
        "POST",
        "/api/v1/auth/login-challenges/{challenge_id}/decision",
        everyone(401),
        _decision,
    ),
    # --- the caller's own account ---------------------------------------------------------
    Row("POST", "/api/v1/auth/logout", signed_in(204)),
    # An integration may ask who it is (its key's workspace and creator).
    Row("GET", "/api/v1/me", signed_in(200, api_key=200)),
    Row(
        "PUT",
        "/api/v1/me/workspace",
        signed_in(204) | {Persona.OTHER_FIRM: 404},
        lambda world: {"workspace_id": str(world.firm_id)},
    ),
    Row("GET", "/api/v1/me/sessions", signed_in(200)),
    Row("DELETE", "/api/v1/me/sessions/{session_id}", signed_in(404)),
    Row("GET", "/api/v1/me/devices", signed_in(200)),
    Row("DELETE", "/api/v1/me/devices/{device_id}", signed_in(404)),
    Row("GET", "/api/v1/me/activity", signed_in(200)),
    # --- members (members:read to list, members:manage to change) ------------------------
    Row(
        "GET",
        "/api/v1/members",
        # Another firm's owner lists their own firm's members, never these.
        firm_roles(owner=200, admin=200, client_manager=200, accountant=404, other_firm=200),
    ),
    Row(
        "POST",
        "/api/v1/members/invitations",
        firm_roles(
            owner=201, admin=201, client_manager=404, accountant=404, other_firm=201, api_key=404
        ),
        _invitation,
    ),
    Row(
        "GET",
        "/api/v1/members/{member_id}",
        firm_roles(owner=200, admin=200, client_manager=200, accountant=404, other_firm=404),
        path_values=_member("active_member_id"),
    ),
    Row(
        "POST",
        "/api/v1/members/{member_id}/invitation/resend",
        _members_manage(200),
        path_values=_member("invited_member_id"),
    ),
    Row(
        "DELETE",
        "/api/v1/members/{member_id}/invitation",
        _members_manage(204),
        path_values=_member("invited_member_id"),
    ),
    Row(
        "PUT",
        "/api/v1/members/{member_id}/roles",
        _members_manage(200),
        lambda _w: {"roles": ["accountant", "client_manager"]},
        path_values=_member("active_member_id"),
    ),
    Row(
        "POST",
        "/api/v1/members/{member_id}/deactivate",
        _members_manage(200),
        path_values=_member("active_member_id"),
    ),
    Row(
        "POST",
        "/api/v1/members/{member_id}/reactivate",
        _members_manage(200),
        path_values=_member("deactivated_member_id"),
    ),
    Row(
        "DELETE",
        "/api/v1/members/{member_id}",
        _members_manage(204),
        path_values=_member("active_member_id"),
    ),
    # --- audit trail (audit:read) ---------------------------------------------------------
    Row(
        "GET",
        "/api/v1/audit-events",
        firm_roles(
            owner=200, admin=200, client_manager=404, accountant=404, other_firm=200, api_key=404
        ),
    ),
    # --- clients (clients:read scoped to assignments for Comptables; clients:manage) -------
    Row("GET", "/api/v1/clients", _clients_list()),
    Row("GET", "/api/v1/clients/export.xlsx", _clients_list()),
    Row("GET", "/api/v1/clients/plans", _clients_list()),
    Row("GET", "/api/v1/clients/import-template.xlsx", _firm_clients_write(200)),
    Row("GET", "/api/v1/companies/search", _firm_clients_write(422)),  # no `q`: 422 once allowed
    Row("GET", "/api/v1/clients/{client_id}", _client_read(), path_values=_client),
    Row("GET", "/api/v1/clients/{client_id}/assignments", _client_read(), path_values=_client),
    Row("GET", "/api/v1/clients/{client_id}/subscription", _client_read(), path_values=_client),
    Row(
        "PATCH",
        "/api/v1/clients/{client_id}",
        _client_write(),
        lambda _w: {"contact_first_name": "Zoé"},
        path_values=_client,
    ),
    Row(
        "PUT",
        "/api/v1/clients/{client_id}/subscription",
        _client_write(),
        lambda _w: {"plan_code": "standard", "payer": "client", "start_date": "2027-01-01"},
        path_values=_client,
    ),
    Row(
        "PUT",
        "/api/v1/clients/{client_id}/assignments/{user_id}",
        _client_write(204),
        path_values=_client,
    ),
    Row(
        "DELETE",
        "/api/v1/clients/{client_id}/assignments/{user_id}",
        _client_write(204),
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients",
        _firm_clients_write(422),
        lambda _w: {"identifier": "123456789"},  # fails the Luhn key: 422 once allowed
    ),
    Row("POST", "/api/v1/clients/self", _firm_clients_write(201)),
    Row(
        "POST",
        "/api/v1/clients/bulk/assignments",
        # Another firm's owner may assign their own Comptables; this one is not theirs.
        _firm_clients_write(200) | {Persona.OTHER_FIRM: 422},
        lambda world: {
            "client_ids": [str(world.client_id)],
            "user_ids": [str(world.accountant_user_id)],
            "action": "assign",
        },
    ),
    Row(
        "POST",
        "/api/v1/clients/bulk/subscription",
        _firm_clients_write(200),
        lambda world: {
            "client_ids": [str(world.client_id)],
            "plan_code": "essentiel",
            "payer": "firm",
            "start_date": "2027-01-01",
        },
    ),
    Row("POST", "/api/v1/clients/imports", _firm_clients_write(415)),  # JSON is not a workbook
    # --- client invitations (clients:manage); the world's client has no contact e-mail ------
    Row(
        "POST",
        "/api/v1/clients/{client_id}/invitation",
        _client_write(422),  # contact-email-missing once allowed
        path_values=_client,
    ),
    Row(
        "DELETE",
        "/api/v1/clients/{client_id}/invitation",
        _client_write(409),  # no-invitation-pending once allowed
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients/invitations",
        _firm_clients_write(200),  # one result per client (another firm's: client-not-found)
        lambda world: {"client_ids": [str(world.client_id)]},
    ),
    Row("POST", "/api/v1/clients/invitations/reminders", _firm_clients_write(200), lambda _w: {}),
    Row("GET", "/api/v1/clients/imports/{import_id}", _firm_clients_write(404)),
    Row("POST", "/api/v1/clients/imports/{import_id}/confirm", _firm_clients_write(404)),
    # --- e-invoicing (clients:read + einvoicing:manage: owner, Gestionnaire de clients) ---
    Row("GET", "/api/v1/einvoicing/certification", _firm_clients_write(200)),
    Row("GET", "/api/v1/einvoicing/mandate-template.pdf", _firm_clients_write(200)),
    Row("GET", "/api/v1/einvoicing/mandate-readiness", _firm_clients_write(200)),
    Row(
        "GET",
        "/api/v1/clients/{client_id}/mandate-template.pdf",
        _client_write(),
        path_values=_client,
    ),
    Row("GET", "/api/v1/clients/{client_id}/einvoicing", _client_write(), path_values=_client),
    Row(
        "GET",
        "/api/v1/clients/{client_id}/einvoicing/history",
        _client_write(),
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients/{client_id}/einvoicing/activation",
        _client_write(202),
        lambda _w: _certified(),
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients/{client_id}/einvoicing/deregistration",
        _client_write(409),  # not registered yet: 409 once allowed
        lambda _w: {},
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/einvoicing/bulk-activations",
        # Another firm's owner gets one `client_not_found` result: this client is not theirs.
        _firm_clients_write(202),
        lambda world: _certified() | {"client_ids": [str(world.client_id)]},
    ),
    Row("GET", "/api/v1/einvoicing/bulk-activations/{job_id}", _firm_clients_write(404)),
    # --- mandates signed online and readiness (clients:read + einvoicing:manage) ----------
    Row("GET", "/api/v1/clients/{client_id}/mandate-request", _client_write(), path_values=_client),
    # No signed mandate in this world: 404 once allowed too (tests/mandates/test_security.py
    # downloads a signed one, and refuses it to the others).
    Row(
        "GET",
        "/api/v1/clients/{client_id}/mandate-request/sealed.pdf",
        _client_write(404),
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients/{client_id}/mandate-request",
        _client_write(201),
        lambda _w: {"signer_email": "representant@client.example"},
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/clients/{client_id}/mandate-request/withdrawal",
        _client_write(409),  # nothing sent yet: 409 once allowed
        path_values=_client,
    ),
    Row("GET", "/api/v1/clients/{client_id}/readiness", _client_write(), path_values=_client),
    Row(
        "PATCH",
        "/api/v1/clients/{client_id}/readiness",
        _client_write(),
        lambda _w: {"vat_regime": "simplified"},
        path_values=_client,
    ),
    Row(
        "POST",
        "/api/v1/mandate-requests/sendings",
        # Another firm's owner gets one `client_not_found` result: this client is not theirs.
        _firm_clients_write(200),
        lambda world: {"client_ids": [str(world.client_id)]},
    ),
    Row(
        "POST",
        "/api/v1/mandate-requests/withdrawals",
        _firm_clients_write(200),
        lambda world: {"client_ids": [str(world.client_id)]},
    ),
    Row("GET", "/api/v1/mandates/seal", _firm_clients_write(200)),
    # A JSON body is not a PDF: 422 once allowed.
    Row("POST", "/api/v1/mandates/seal-checks", _firm_clients_write(422), lambda _w: {}),
    Row("GET", "/api/v1/readiness", _firm_clients_write(200)),
    Row("GET", "/api/v1/readiness.xlsx", _firm_clients_write(200)),
    # The signer's side: the link's secret only, whoever calls (an unknown one is 404).
    *[
        Row("POST", f"/api/v1/mandate-signatures/{step}", everyone(404), _unknown_link)
        for step in ("inspect", "document", "code", "refusal", "phone-approval/state")
    ],
    Row(
        "POST",
        "/api/v1/mandate-signatures/phone-approval",
        everyone(404),
        lambda world: (
            _unknown_link(world)
            | {
                "signer_name": "Élodie Chevalier",
                "consent": True,
                "consent_version": "2026-12-07-telephone",
                "consent_text": "x",
                "document_sha256": "0" * 64,
            }
        ),
    ),
    # The phone's approval of a signature: a device session of the signer only.
    Row(
        "GET",
        "/api/v1/mandate-approvals/{approval_id}",
        everyone(401) | {Persona.DEVICE: 404},
    ),
    Row(
        "POST",
        "/api/v1/mandate-approvals/{approval_id}/decision",
        everyone(401) | {Persona.DEVICE: 404},
        _decision,
    ),
    Row(
        "POST",
        "/api/v1/mandate-signatures/signature",
        everyone(404),
        lambda world: (
            _unknown_link(world)
            | {
                "signer_name": "Élodie Chevalier",
                "consent": True,
                "consent_version": "2026-12-07",
                "consent_text": "x",
                "code": "123456",
                "document_sha256": "0" * 64,
            }
        ),
    ),
    # --- extensions: API keys and webhooks (extensions:manage) ----------------------------
    Row("GET", "/api/v1/api-keys", _extensions(200)),
    Row(
        "POST",
        "/api/v1/api-keys",
        _extensions(201),
        lambda _w: {"name": "Annuaire interne", "scopes": ["members:read"]},
    ),
    Row("DELETE", "/api/v1/api-keys/{key_id}", _extensions(404)),
    Row("GET", "/api/v1/webhooks", _extensions(200)),
    Row(
        "POST",
        "/api/v1/webhooks",
        _extensions(422),  # a loopback receiver is refused (SSRF) once allowed
        lambda _w: {"url": "http://127.0.0.1/hook", "event_types": ["client.created"]},
    ),
    Row("PATCH", "/api/v1/webhooks/{webhook_id}", _extensions(404), lambda _w: {"enabled": False}),
    Row("DELETE", "/api/v1/webhooks/{webhook_id}", _extensions(404)),
    Row("POST", "/api/v1/webhooks/{webhook_id}/rotate-secret", _extensions(404)),
    Row("GET", "/api/v1/webhooks/{webhook_id}/deliveries", _extensions(404)),
    Row(
        "POST",
        "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
        _extensions(404),
    ),
    # --- firm registration (SSO, then the owner's device) ------------------------------------
    Row("GET", "/api/v1/registration/sso/start", everyone(503)),  # SSO off in the test settings
    Row("GET", "/api/v1/registration/sso/callback", everyone(400)),  # no pending `state`
    Row(
        "POST",
        "/api/v1/registration/lookup",
        everyone(404),
        lambda _w: {"secret": "cpt_reg_" + "0" * 40},
    ),
    Row(
        "PUT",
        "/api/v1/registration/siren",
        everyone(404),
        lambda _w: {"secret": "cpt_reg_" + "0" * 40, "siren": "901234567"},
    ),
    Row(
        "POST",
        "/api/v1/registration/identity",
        signed_in(404),  # only the device enrolled for a pending registration
        lambda _w: {
            "mrz_lines": [
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
            ]
        },
    ),
]


# --- documents (documents:read/write; Comptables: assigned clients; owner: every client) ---
def _documents(success: int) -> dict[Persona, int]:
    # Gestionnaires de clients and Administrateurs never see documents; another firm's owner
    # gets its own firm's answer (its list, its lone-client rule).
    return firm_roles(
        owner=success, admin=404, client_manager=404, accountant=success, other_firm=success
    )


TABLE += [
    Row("GET", "/api/v1/documents", _documents(200)),
    # No body and no `client_id`: the firm's only readable client gets an empty file (422);
    # the other firm has no client to pick (422 as well).
    Row("POST", "/api/v1/documents", _documents(422)),
    Row("GET", "/api/v1/documents/{document_id}", _documents(404)),
    Row("PATCH", "/api/v1/documents/{document_id}", _documents(404), lambda _w: {"title": "x"}),
    Row("DELETE", "/api/v1/documents/{document_id}", _documents(404)),
    Row("GET", "/api/v1/documents/{document_id}/content", _documents(404)),
    # No `client_id`: the firm's only readable client's folders; the other firm has no client.
    Row("GET", "/api/v1/folders", _documents(200) | {Persona.OTHER_FIRM: 422}),
    Row(
        "POST",
        "/api/v1/folders",
        _documents(201) | {Persona.OTHER_FIRM: 404},  # firm A's client, not theirs
        lambda world: {"client_id": str(world.client_id), "name": "Contrats"},
    ),
    Row("PATCH", "/api/v1/folders/{folder_id}", _documents(404), lambda _w: {"name": "x"}),
    Row("DELETE", "/api/v1/folders/{folder_id}", _documents(404)),
    # The flows of the clients whose documents one sees (same rule as the documents).
    Row("GET", "/api/v1/flows", _documents(200)),
    Row("GET", "/api/v1/flows/{flow_id}", _documents(404)),
    Row("GET", "/api/v1/flows/{flow_id}/original", _documents(404)),
    Row("GET", "/api/v1/flows/{flow_id}/readable", _documents(404)),
]


def _invoice(world: World) -> dict[str, str]:
    return {"invoice_id": str(world.invoice_id)}


def _cancel(world: World) -> dict[str, Any]:
    return {"action": "cancel"}


# « Factures reçues / émises »: the documents' rule (the invoice is firm A's client's, issued,
# status 200 Déposée: its seller may cancel it). Another firm's owner gets its own (empty) lists
# and 404 on the invoice; in bulk, a 200 whose one result is `invoice-not-found`.
TABLE += [
    Row("GET", "/api/v1/invoices", _documents(200)),
    Row("GET", "/api/v1/invoices/catalogue", _documents(200)),
    Row(
        "POST",
        "/api/v1/invoices/actions",
        _documents(200),
        lambda world: {"action": "cancel", "invoice_ids": [str(world.invoice_id)]},
    ),
    Row(
        "GET",
        "/api/v1/invoices/{invoice_id}",
        _documents(200) | {Persona.OTHER_FIRM: 404},
        None,
        _invoice,
    ),
    Row(
        "GET",
        "/api/v1/invoices/{invoice_id}/timeline",
        _documents(200) | {Persona.OTHER_FIRM: 404},
        None,
        _invoice,
    ),
    Row(
        "POST",
        "/api/v1/invoices/{invoice_id}/actions",
        _documents(200) | {Persona.OTHER_FIRM: 404},
        _cancel,
        _invoice,
    ),
]


# --- the help centre: public articles and search; feedback, tours and support per person ---
def _help(_world: World) -> dict[str, str]:
    return {
        "slug": "ajouter-un-client",
        "tour_id": "import-clients",
        "request_id": str(uuid.uuid4()),
    }


TABLE += [
    Row("GET", "/api/v1/help", everyone(200)),
    Row("GET", "/api/v1/help/articles", everyone(200)),
    Row("GET", "/api/v1/help/articles/{slug}", everyone(200), path_values=_help),
    Row("GET", "/api/v1/help/search", everyone(422)),  # no question
    Row("GET", "/api/v1/help/contact", everyone(200)),
    Row("GET", "/api/v1/help/articles/{slug}/feedback", signed_in(200), path_values=_help),
    Row(
        "PUT",
        "/api/v1/help/articles/{slug}/feedback",
        signed_in(200),
        lambda _w: {"helpful": True},
        path_values=_help,
    ),
    Row("GET", "/api/v1/help/tours/progress", signed_in(200)),
    Row(
        "PUT",
        "/api/v1/help/tours/{tour_id}/progress",
        signed_in(200),
        lambda _w: {"step": 1},
        path_values=_help,
    ),
    Row(
        "POST",
        "/api/v1/help/support-requests",
        signed_in(201),
        lambda _w: {"subject": "Question", "message": "Où trouver le mandat du client ?"},
    ),
    Row("GET", "/api/v1/help/support-requests", signed_in(200)),
    # Someone else's request, like an unknown one, does not exist (tests/help/test_router.py).
    Row("GET", "/api/v1/help/support-requests/{request_id}", signed_in(404), path_values=_help),
]


def app_routes() -> set[tuple[str, str]]:
    app = create_app()
    routes = set()
    for route in app.routes:
        if not isinstance(route, Route):  # FastAPI's APIRoute and Starlette's (openapi.json)
            continue
        path = route.path
        if not path.startswith("/api/v1"):
            continue
        routes |= {(method, path) for method in (route.methods or set()) - {"HEAD"}}
    return routes


def test_every_route_has_a_row() -> None:
    rows = [row.route for row in TABLE]
    assert len(rows) == len(set(rows)), "a route has two rows"
    missing = sorted(app_routes() - set(rows))
    assert missing == [], f"add these routes to the access table: {missing}"
    stale = sorted(set(rows) - app_routes())
    assert stale == [], f"these rows name routes that no longer exist: {stale}"


def test_every_row_names_every_persona() -> None:
    for row in TABLE:
        assert set(row.expected) == set(Persona), row.route


# --- the world, built once per module ---------------------------------------------------------


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine, settings: Settings) -> AsyncIterator[World]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            sessionmaker = async_sessionmaker(
                bind=connection,
                expire_on_commit=False,
                autoflush=False,
                join_transaction_mode="create_savepoint",
            )
            app = create_app(settings)
            state_of(app).database = Database.bound_to(sessionmaker)
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(
                transport=transport, base_url="https://testserver"
            ) as client:
                world = World(client=client, connection=connection)
                async with sessionmaker() as session:
                    await _populate(world, session, settings)
                yield world
        finally:
            await transaction.rollback()


async def _login(client: httpx.AsyncClient, link: str) -> dict[str, str]:
    return bearer(await bearer_login(client, await enrolled_phone(client, link)))


async def _populate(world: World, session: AsyncSession, settings: Settings) -> None:
    client = world.client
    firm = await create_firm(session, settings, name="Cabinet A")
    other = await create_firm(session, settings, name="Cabinet B")
    world.firm_id = firm.firm.id
    world.headers[Persona.OWNER] = await _login(client, firm.enrollment.url)
    world.headers[Persona.OTHER_FIRM] = await _login(client, other.enrollment.url)
    for persona, role in [
        (Persona.ADMIN, Role.ADMIN),
        (Persona.CLIENT_MANAGER, Role.CLIENT_MANAGER),
        (Persona.ACCOUNTANT, Role.ACCOUNTANT),
    ]:
        user, link = await create_member(session, settings, firm.firm, frozenset({role}))
        phone = await enrolled_phone(client, link)
        world.headers[persona] = bearer(await bearer_login(client, phone))
        if persona == Persona.ACCOUNTANT:
            world.accountant_user_id = user.id
            opened = await phone.open_session(client)
            assert opened.status_code == 201, opened.text
            world.headers[Persona.DEVICE] = phone.auth
    world.headers[Persona.ANONYMOUS] = {}
    minted = await client.post(
        "/api/v1/api-keys",
        headers=world.headers[Persona.OWNER],
        json={"name": "ERP", "scopes": [scope.value for scope in Scope]},
    )
    assert minted.status_code == 201, minted.text
    world.headers[Persona.API_KEY] = {"Authorization": f"Bearer {minted.json()['secret']}"}

    owner = world.headers[Persona.OWNER]
    ids = {}
    for name in ("active", "invited", "deactivated"):
        response = await client.post(
            "/api/v1/members/invitations", headers=owner, json=_invitation(world)
        )
        assert response.status_code == 201, response.text
        ids[name] = uuid.UUID(response.json()["id"])
    for name in ("active", "deactivated"):
        enrolled = await Phone().enroll(client, await _latest_link(session, ids[name]))
        assert enrolled.status_code == 201, enrolled.text
    response = await client.post(f"/api/v1/members/{ids['deactivated']}/deactivate", headers=owner)
    assert response.json()["status"] == MembershipStatus.DEACTIVATED
    world.active_member_id = ids["active"]
    world.invited_member_id = ids["invited"]
    world.deactivated_member_id = ids["deactivated"]

    await load_sirene_sample(session)
    await session.commit()
    created = await client.post("/api/v1/clients", headers=owner, json={"identifier": "610869075"})
    assert created.status_code == 201, created.text
    world.client_id = uuid.UUID(created.json()["id"])
    assigned = await client.put(
        f"/api/v1/clients/{world.client_id}/assignments/{world.accountant_user_id}", headers=owner
    )
    assert assigned.status_code == 204, assigned.text
    invoice = Flow(
        id=world.invoice_id,
        firm_id=firm.firm.id,
        client_id=world.client_id,
        direction=FlowDirection.OUT,
        flow_type="CustomerInvoice",
        syntax="CII",
        name="F1.xml",
        sha256="0" * 64,
        size=1,
        media_type="application/xml",
        blob_key="none",
        ack_status=AckStatus.OK,
        lifecycle_status=200,
        invoice_number="F1",
        invoice_type_code="380",
        sender_siren="610869075",
        recipient_siren="200000008",
    )
    session.add(invoice)
    await session.commit()


async def _latest_link(session: AsyncSession, membership_id: uuid.UUID) -> str:
    """The invitation link, as the invitee reads it in the mail."""
    email = await session.scalar(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.id == membership_id)
    )
    mails = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at))
    text = [m.payload["text"] for m in mails if m.payload.get("to") == email][-1]
    found = re.search(r"https://testserver/enroll#\S+", text)
    assert found
    # End this read's savepoint now: closing the session later would roll back, with it,
    # whatever the app commits meanwhile on the shared connection.
    await session.commit()
    return found.group(0)


@pytest.fixture
async def case_world(world: World) -> AsyncIterator[World]:
    """The module's world, with this case's writes undone at its end."""
    savepoint = await world.connection.begin_nested()
    try:
        yield world
    finally:
        await savepoint.rollback()


CASES = [
    pytest.param(row, persona, id=f"{row.method} {row.path} as {persona.value}")
    for row in TABLE
    for persona in Persona
]


@pytest.mark.parametrize(("row", "persona"), CASES)
async def test_access(case_world: World, row: Row, persona: Persona) -> None:
    world = case_world
    path = row.path.format(**row.path_values(world))
    response = await world.client.request(
        row.method,
        path,
        headers=world.headers[persona],
        json=row.body(world) if row.body else None,
    )
    expected = row.expected[persona]
    assert response.status_code == expected, (
        f"{row.method} {path} as {persona.value}: {response.status_code} "
        f"(expected {expected}) {response.text[:300]}"
    )
    if expected == 404 and response.status_code == 404:
        assert response.headers["content-type"] == "application/problem+json"
