"""Every domain router mounted under /api/v1, one line each."""

from fastapi import APIRouter

from api.afnor_directory.router import router as directory_service_router
from api.api_keys.router import router as api_keys_router
from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.clients.router import router as clients_router
from api.companies.router import router as companies_router
from api.core.errors import problem_responses
from api.devices.router import router as devices_router
from api.documents.router import router as documents_router
from api.einvoicing.router import router as einvoicing_router
from api.flows.router import people_router as flows_router
from api.flows.router import router as flow_service_router
from api.health.router import router as health_router
from api.help.router import router as help_router
from api.lifecycle.router import router as invoices_router
from api.mandates.router import router as mandates_router
from api.me.router import router as me_router
from api.members.router import router as members_router
from api.oauth2.router import router as oauth2_router
from api.peppol.router import router as peppol_router
from api.peppol.smp.router import router as peppol_smp_router
from api.registration.router import router as registration_router
from api.webhooks.router import router as webhooks_router

api_router = APIRouter(prefix="/api/v1")
# The domains an API key reaches (its scopes): past its per-minute quota, any of their routes
# answers 429 with Retry-After.
KEY_RATE_LIMITED = problem_responses(429)
# Starlette tries routes in order: the busiest reads (lists of clients and documents, /me,
# the session endpoints) come first, so most requests stop after a few path matches.
api_router.include_router(clients_router, responses=KEY_RATE_LIMITED)
api_router.include_router(documents_router, responses=KEY_RATE_LIMITED)
api_router.include_router(me_router)
api_router.include_router(auth_router)
api_router.include_router(health_router)
api_router.include_router(devices_router)
api_router.include_router(api_keys_router)
api_router.include_router(webhooks_router)
api_router.include_router(registration_router)
api_router.include_router(companies_router)
api_router.include_router(members_router, responses=KEY_RATE_LIMITED)
api_router.include_router(audit_router)
api_router.include_router(einvoicing_router, responses=KEY_RATE_LIMITED)
api_router.include_router(flows_router)
api_router.include_router(invoices_router, responses=KEY_RATE_LIMITED)
api_router.include_router(help_router)
api_router.include_router(mandates_router, responses=KEY_RATE_LIMITED)

# Mounted at the root, beside /api/v1: the OAuth2 token endpoint of software, the Peppol AS4
# endpoint (not in the contract: SOAP, not JSON), then the AFNOR
# standard APIs, whose paths and error bodies follow their annexes (api/core/standard_api.py).
root_routers = [oauth2_router, peppol_router, peppol_smp_router]
# Documented by their own OpenAPI documents (/afnor-flow/v1/openapi.json), not in ours.
standard_routers = [flow_service_router, directory_service_router]
