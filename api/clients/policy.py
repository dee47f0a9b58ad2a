"""Who sees which clients. A Gestionnaire de clients (or the owner) sees every client of the
firm; a Comptable only those assigned to them (DESIGN, "Who uses it")."""

from __future__ import annotations

from api.core.authz import Permission, Principal


def can_read_all_clients(principal: Principal) -> bool:
    return principal.has(Permission.CLIENTS_ALL)
