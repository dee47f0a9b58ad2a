from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.core.db import DbSession
from api.core.state import request_state
from api.oauth2 import service
from api.oauth2.schemas import TokenError, TokenResponse
from api.oauth2.service import OAuthError

router = APIRouter(prefix="/oauth2", tags=["oauth2"])

# RFC 6749 §5.1: responses carrying tokens must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"

_FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {
                            "type": "string",
                            "description": "Space-separated: flows:read flows:write "
                            "directory:read (default: every one the key holds).",
                        },
                        "client_id": {
                            "type": "string",
                            "description": "client_secret_post: the API key's id.",
                        },
                        "client_secret": {
                            "type": "string",
                            "description": "client_secret_post: the API key's secret.",
                        },
                    },
                }
            }
        },
    }
}


def _error(error: OAuthError, *, basic: bool) -> JSONResponse:
    headers = dict(NO_STORE)
    if error.status == 401 and basic:
        # RFC 6749 §5.2: a client that authenticated with the Authorization header gets the
        # scheme it used back.
        headers["WWW-Authenticate"] = 'Basic realm="comptoir"'
    body = TokenError(error=error.error, error_description=error.description)
    return JSONResponse(body.model_dump(), status_code=error.status, headers=headers)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    authorization = request.headers.get("authorization")
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "Authentification client attendue : Basic.", status=401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "En-tête Basic illisible.", status=401) from None
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise OAuthError("invalid_client", "En-tête Basic illisible.", status=401)
    # RFC 6749 §2.3.1: both are form-urlencoded before being joined.
    return unquote_plus(client_id), unquote_plus(secret)


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={
        400: {"model": TokenError, "description": "RFC 6749 §5.2 error."},
        401: {"model": TokenError, "description": "invalid_client."},
    },
    openapi_extra=_FORM_BODY,
)
async def issue_token(request: Request, session: DbSession) -> JSONResponse:
    """OAuth2 client credentials (RFC 6749 §4.4): an API key's id and secret (HTTP Basic or
    form fields) for a short-lived bearer token of the standard APIs."""
    basic = False
    try:
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
            raise OAuthError("invalid_request", f"Corps attendu : {FORM}.")
        form = await request.form()
        fields = {name: form.getlist(name) for name in form}
        if any(len(values) > 1 for values in fields.values()):
            raise OAuthError("invalid_request", "Un paramètre est répété.")
        values = {name: str(found[0]) for name, found in fields.items()}
        grant_type = values.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type manquant.")
        credentials = _basic_credentials(request)
        basic = credentials is not None
        posted = values.get("client_id"), values.get("client_secret")
        if credentials is not None and posted[1] is not None:
            raise OAuthError(
                "invalid_request", "Une seule méthode d'authentification client à la fois."
            )
        if credentials is None:
            if not posted[0] or not posted[1]:
                raise OAuthError(
                    "invalid_client", "Identifiant et secret client manquants.", status=401
                )
            credentials = (posted[0], posted[1])
        if grant_type != "client_credentials":
            raise OAuthError(
                "unsupported_grant_type", "Seul grant_type=client_credentials est accepté."
            )
        issued = await service.issue_token(
            session,
            request_state(request).settings,
            client_id=credentials[0],
            client_secret=credentials[1],
            scope=values.get("scope"),
        )
    except OAuthError as error:
        return _error(error, basic=basic)
    body = TokenResponse(
        access_token=issued.access_token,
        token_type="Bearer",  # noqa: S106  (RFC 6750's scheme name, not a secret)
        expires_in=issued.expires_in,
        scope=" ".join(issued.scopes),
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)
