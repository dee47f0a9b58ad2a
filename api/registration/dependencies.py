"""FastAPI dependencies of registration: the SSO provider, the identity verifier and the blob
store, each built once per app (the provider caches discovery and JWKS documents)."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request

from api.adapters.blob_storage import BlobStorage, create_blob_storage
from api.adapters.identity_provider import IdentityProvider, identity_provider_from_settings
from api.core.state import request_state
from api.firms.identity_check import IdentityVerifier, MrzIdentityVerifier


def get_identity_provider(request: Request) -> IdentityProvider:
    state = request_state(request)

    def build() -> IdentityProvider:
        http = httpx.AsyncClient()
        state.close_at_shutdown(http)
        return identity_provider_from_settings(state.settings, http)

    return state.once(IdentityProvider, build)


def get_identity_verifier(request: Request) -> IdentityVerifier:
    """The embedded ICAO 9303 MRZ check; a KYC vendor's verifier would be chosen here."""
    return request_state(request).once(IdentityVerifier, MrzIdentityVerifier)


def get_blob_storage(request: Request) -> BlobStorage:
    state = request_state(request)

    def build() -> BlobStorage:
        blobs = create_blob_storage(state.settings)
        state.close_at_shutdown(blobs)
        return blobs

    return state.once(BlobStorage, build)


IdentityProviderDep = Annotated[IdentityProvider, Depends(get_identity_provider)]
IdentityVerifierDep = Annotated[IdentityVerifier, Depends(get_identity_verifier)]
BlobStorageDep = Annotated[BlobStorage, Depends(get_blob_storage)]
