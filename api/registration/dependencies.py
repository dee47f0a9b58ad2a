"""FastAPI dependencies of registration: the SSO provider, the identity verifier and the blob
store, each built once per app (the provider caches discovery and JWKS documents)."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request

from api.adapters.blob_storage import BlobStorage, create_blob_storage
from api.adapters.identity_provider import IdentityProvider, identity_provider_from_settings
from api.firms.identity_check import IdentityVerifier, MrzIdentityVerifier


def get_identity_provider(request: Request) -> IdentityProvider:
    state = request.app.state
    provider: IdentityProvider | None = getattr(state, "identity_provider", None)
    if provider is None:
        # Closed by the app's lifespan (`identity_provider_http`).
        state.identity_provider_http = httpx.AsyncClient()
        provider = identity_provider_from_settings(state.settings, state.identity_provider_http)
        state.identity_provider = provider
    return provider


def get_identity_verifier(request: Request) -> IdentityVerifier:
    """The embedded ICAO 9303 MRZ check; a KYC vendor's verifier would be chosen here."""
    verifier: IdentityVerifier | None = getattr(request.app.state, "identity_verifier", None)
    if verifier is None:
        verifier = MrzIdentityVerifier()
        request.app.state.identity_verifier = verifier
    return verifier


def get_blob_storage(request: Request) -> BlobStorage:
    state = request.app.state
    blobs: BlobStorage | None = getattr(state, "blob_storage", None)
    if blobs is None:
        blobs = create_blob_storage(state.settings)
        state.blob_storage = blobs
    return blobs


IdentityProviderDep = Annotated[IdentityProvider, Depends(get_identity_provider)]
IdentityVerifierDep = Annotated[IdentityVerifier, Depends(get_identity_verifier)]
BlobStorageDep = Annotated[BlobStorage, Depends(get_blob_storage)]
