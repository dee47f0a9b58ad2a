"""The national directory (*annuaire*): one interface (`Directory`), two real implementations
chosen by `COMPTOIR_DIRECTORY`: the embedded directory in our own database (default) or an
AFNOR XP Z12-013-style Directory Service over HTTP (docs/einvoicing.md)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory.afnor import AfnorDirectory
from api.adapters.directory.base import (
    AddressLevel,
    AlreadyEnded,
    AlreadyRegistered,
    Conflict,
    Directory,
    DirectoryAddress,
    DirectoryLine,
    DirectoryOutcome,
    DirectoryRequest,
    Ended,
    EndLine,
    Found,
    LookUpAddress,
    OverlapRefused,
    PermanentFailure,
    Registered,
    RegisterLine,
    TransientFailure,
    directory_outcome_from_json,
    directory_request_from_json,
)
from api.adapters.directory.local import LocalDirectory
from api.core.settings import Settings

__all__ = [
    "AddressLevel",
    "AfnorDirectory",
    "AlreadyEnded",
    "AlreadyRegistered",
    "Conflict",
    "Directory",
    "DirectoryAddress",
    "DirectoryLine",
    "DirectoryOutcome",
    "DirectoryRequest",
    "EndLine",
    "Ended",
    "Found",
    "LocalDirectory",
    "LookUpAddress",
    "OverlapRefused",
    "PermanentFailure",
    "RegisterLine",
    "Registered",
    "TransientFailure",
    "build_directory",
    "directory_outcome_from_json",
    "directory_request_from_json",
]


def build_directory(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> Directory:
    if settings.directory == "afnor":
        return AfnorDirectory(settings)
    return LocalDirectory(sessionmaker, settings.directory_platform_id)
