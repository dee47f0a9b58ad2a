"""`comptoir blobs sweep`: delete the blobs no row references (left by a crashed upload)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.adapters.blob_storage import BlobStorageError, create_blob_storage
from api.blobs import service
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    blobs = commands.add_parser("blobs", help="stockage des fichiers")
    actions = blobs.add_subparsers(dest="blobs_command", required=True)
    sweep = actions.add_parser(
        "sweep", help="supprimer les fichiers qu'aucune ligne ne référence (upload interrompu)"
    )
    sweep.add_argument("--dry-run", action="store_true", help="lister sans supprimer")
    sweep.set_defaults(handler=_sweep)


async def _run(dry_run: bool) -> service.SweepReport:
    settings = get_settings()
    engine = create_engine(settings)
    storage = create_blob_storage(settings)
    try:
        return await service.sweep_orphan_blobs(
            settings, create_sessionmaker(engine), storage, dry_run=dry_run
        )
    finally:
        await storage.aclose()
        await engine.dispose()


def _sweep(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        report = asyncio.run(_run(args.dry_run))
    except BlobStorageError as error:
        print(f"Stockage des fichiers injoignable ou en erreur : {error}", file=sys.stderr)
        return 1
    verb = "à supprimer" if args.dry_run else "supprimés"
    print(
        f"Fichiers orphelins {verb} : {len(report.deleted)} "
        f"(sur {report.examined} de plus de {settings.blob_orphan_grace_seconds} s, "
        f"{report.referenced} référencés)."
    )
    for key in report.deleted:
        print(f"  {key}")
    return 0
