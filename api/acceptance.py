"""What happens when a person is accepted into a workspace with an enrollment link: each
domain's handler, one line each, composed here as `api/worker.py` composes the outbox
handlers. `api.enrollments` runs them in this order without importing any of them.
"""

from __future__ import annotations

from api.clients import invitations as client_invitations
from api.enrollments.service import AcceptanceHandlers
from api.members import service as members_service


def acceptance_handlers() -> AcceptanceHandlers:
    return AcceptanceHandlers(
        (
            # The invited membership becomes active.
            members_service.accept_into_workspace,
            # The client whose contact this is becomes active (Actif).
            client_invitations.accept_into_workspace,
        )
    )
