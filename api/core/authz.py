"""Who may do what: roles, permissions, the principal of a request, and `can_*` policies.

Deny by default. Roles are cumulative; a membership's permissions are the union of its roles'.
An API key's permissions are its scopes, never wider than its creator's (checked when minted).
A principal lacking a permission gets **404**, never 403: a resource it may not see does not
exist for it (DESIGN, "Who uses it").
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"  # expert-comptable who registered the firm: every role
    ADMIN = "admin"  # Administrateur
    CLIENT_MANAGER = "client_manager"  # Gestionnaire de clients
    ACCOUNTANT = "accountant"  # Comptable
    COMPANY_USER = "company_user"  # a client company's user, in its company workspace


ROLE_LABELS_FR = {
    Role.OWNER: "Propriétaire",
    Role.ADMIN: "Administrateur",
    Role.CLIENT_MANAGER: "Gestionnaire de clients",
    Role.ACCOUNTANT: "Comptable",
    Role.COMPANY_USER: "Utilisateur de l'entreprise",
}

FIRM_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.CLIENT_MANAGER, Role.ACCOUNTANT})


class Permission(StrEnum):
    WORKSPACE_MANAGE = "workspace:manage"
    MEMBERS_READ = "members:read"
    MEMBERS_MANAGE = "members:manage"
    EXTENSIONS_MANAGE = "extensions:manage"
    AUDIT_READ = "audit:read"
    CLIENTS_READ = "clients:read"
    # Every client of the firm, not only the ones assigned (Comptables see only those).
    CLIENTS_ALL = "clients:all"
    CLIENTS_MANAGE = "clients:manage"
    EINVOICING_MANAGE = "einvoicing:manage"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    # Documents of every client of the firm, not only the assigned ones.
    DOCUMENTS_ALL_CLIENTS = "documents:all_clients"
    # The standard e-invoicing APIs for software (docs/flows.md): deposit and read flows of an
    # organisation the caller acts for, read the directory.
    FLOWS_READ = "flows:read"
    FLOWS_WRITE = "flows:write"
    DIRECTORY_READ = "directory:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(
        {
            Permission.WORKSPACE_MANAGE,
            Permission.MEMBERS_READ,
            Permission.MEMBERS_MANAGE,
            Permission.EXTENSIONS_MANAGE,
            Permission.AUDIT_READ,
        }
    ),
    Role.CLIENT_MANAGER: frozenset(
        {
            Permission.MEMBERS_READ,
            Permission.CLIENTS_READ,
            Permission.CLIENTS_ALL,
            Permission.CLIENTS_MANAGE,
            Permission.EINVOICING_MANAGE,
            Permission.DIRECTORY_READ,
        }
    ),
    # A Comptable reads the clients assigned to them (repositories scope it) and their documents.
    Role.ACCOUNTANT: frozenset(
        {
            Permission.CLIENTS_READ,
            Permission.DOCUMENTS_READ,
            Permission.DOCUMENTS_WRITE,
            Permission.FLOWS_READ,
            Permission.FLOWS_WRITE,
            Permission.DIRECTORY_READ,
        }
    ),
    Role.COMPANY_USER: frozenset(
        {
            Permission.DOCUMENTS_READ,
            Permission.DOCUMENTS_WRITE,
            Permission.FLOWS_READ,
            Permission.FLOWS_WRITE,
            Permission.DIRECTORY_READ,
        }
    ),
}


class Scope(StrEnum):
    """What an API key may do. Each scope grants exactly these permissions."""

    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    EINVOICING_WRITE = "einvoicing:write"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    MEMBERS_READ = "members:read"
    # OAuth2 client credentials on the standard APIs (/afnor-flow, /afnor-directory).
    FLOWS_READ = "flows:read"
    FLOWS_WRITE = "flows:write"
    DIRECTORY_READ = "directory:read"


# Visibility permissions widen what a key sees to what its creator sees (all the firm's clients
# for the owner, the assigned ones for a Comptable). They are granted by the scopes but never
# checked when minting: the intersection with the creator's rights decides.
VISIBILITY_PERMISSIONS = frozenset({Permission.CLIENTS_ALL, Permission.DOCUMENTS_ALL_CLIENTS})

SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.CLIENTS_READ: frozenset({Permission.CLIENTS_READ, Permission.CLIENTS_ALL}),
    Scope.CLIENTS_WRITE: frozenset(
        {Permission.CLIENTS_READ, Permission.CLIENTS_ALL, Permission.CLIENTS_MANAGE}
    ),
    Scope.EINVOICING_WRITE: frozenset(
        {Permission.CLIENTS_READ, Permission.CLIENTS_ALL, Permission.EINVOICING_MANAGE}
    ),
    Scope.DOCUMENTS_READ: frozenset({Permission.DOCUMENTS_READ, Permission.DOCUMENTS_ALL_CLIENTS}),
    Scope.DOCUMENTS_WRITE: frozenset(
        {Permission.DOCUMENTS_READ, Permission.DOCUMENTS_WRITE, Permission.DOCUMENTS_ALL_CLIENTS}
    ),
    Scope.MEMBERS_READ: frozenset({Permission.MEMBERS_READ}),
    # A firm's key acts for the clients its creator sees (all, or a Comptable's assigned ones).
    Scope.FLOWS_READ: frozenset({Permission.FLOWS_READ, Permission.CLIENTS_ALL}),
    Scope.FLOWS_WRITE: frozenset(
        {Permission.FLOWS_READ, Permission.FLOWS_WRITE, Permission.CLIENTS_ALL}
    ),
    Scope.DIRECTORY_READ: frozenset({Permission.DIRECTORY_READ}),
}

# The scopes a software token may carry on the standard APIs.
SOFTWARE_SCOPES = frozenset({Scope.FLOWS_READ, Scope.FLOWS_WRITE, Scope.DIRECTORY_READ})


def permissions_of_scopes(scopes: frozenset[Scope]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for scope in scopes:
        granted |= SCOPE_PERMISSIONS[scope]
    return frozenset(granted)


def can_mint_scopes(principal: Principal, scopes: frozenset[Scope]) -> bool:
    """A key never holds more than its creator: every permission of every scope must be the
    creator's own (an Administrateur without documents cannot mint `documents:read`)."""
    return permissions_of_scopes(scopes) - VISIBILITY_PERMISSIONS <= principal.permissions


@functools.cache
def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


class PrincipalKind(StrEnum):
    USER = "user"  # a browser or bearer session of a person
    DEVICE = "device"  # the mobile app (or the device companion), acting for its user
    API_KEY = "api_key"  # an integration


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request, in one workspace."""

    kind: PrincipalKind
    user_id: uuid.UUID | None
    session_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    workspace_id: uuid.UUID | None = None
    membership_id: uuid.UUID | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


def can_manage_members(principal: Principal) -> bool:
    return principal.has(Permission.MEMBERS_MANAGE)


def can_read_all_client_documents(principal: Principal) -> bool:
    return principal.has(Permission.DOCUMENTS_ALL_CLIENTS)


def can_grant_roles(principal: Principal, roles: frozenset[Role]) -> bool:
    """Only the owner makes another owner; Administrateurs grant the other firm roles."""
    if Role.OWNER in roles:
        return Role.OWNER in principal.roles
    return can_manage_members(principal)
