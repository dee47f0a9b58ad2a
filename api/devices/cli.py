"""`comptoir device …`: the device companion for people without the mobile app."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

from api.auth.protocol import Decision
from api.devices import companion


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    device = commands.add_parser("device", help="compagnon d'appareil (enrôler, approuver)")
    actions = device.add_subparsers(dest="device_command", required=True)

    enroll = actions.add_parser("enroll", help="enrôler cet ordinateur avec un lien d'enrôlement")
    enroll.add_argument("link")
    enroll.add_argument("--name", default=f"Compagnon sur {socket.gethostname()}")
    enroll.add_argument("--key-file", type=Path, default=companion.DEFAULT_KEY_FILE)
    enroll.set_defaults(handler=_enroll)

    for name, decision in (("approve", Decision.APPROVE), ("deny", Decision.DENY)):
        action = actions.add_parser(
            name, help="approuver" if decision == Decision.APPROVE else "refuser"
        )
        action.add_argument(
            "qr_url",
            help="l'adresse encodée dans le code QR : …/qr/v1/… (connexion) ou "
            "…/qr/v1/mandat/… (signature d'un mandat)",
        )
        action.add_argument("--key-file", type=Path, default=companion.DEFAULT_KEY_FILE)
        action.set_defaults(handler=_decide, decision=decision)


def _enroll(args: argparse.Namespace) -> int:
    try:
        key = companion.enroll(args.link, name=args.name)
    except companion.CompanionError as error:
        print(f"Enrôlement refusé : {error}", file=sys.stderr)
        return 1
    key.save(args.key_file)
    print(f"Appareil enrôlé ({key.device_id}). Clé privée : {args.key_file} (mode 0600).")
    return 0


def _decide(args: argparse.Namespace) -> int:
    mandate = companion.is_mandate_approval(args.qr_url)
    try:
        key = companion.DeviceKey.load(args.key_file)
        if mandate:
            context, status = companion.decide_mandate(key, args.qr_url, args.decision)
        else:
            context, status = companion.decide(key, args.qr_url, args.decision)
    except companion.CompanionError as error:
        print(f"Échec : {error}", file=sys.stderr)
        return 1
    if mandate:
        print(mandate_decision_text(context, status))
        return 0
    print(
        f"Demande depuis {context['requester_browser']} sur {context['requester_os']} "
        f"({context['requester_ip']}), code {context['match_code']}."
    )
    verdict = "approuvée" if status["status"] == "approved" else "refusée"
    print(f"Connexion {verdict}.")
    return 0


def mandate_decision_text(context: dict[str, Any], status: dict[str, Any]) -> str:
    """What the terminal shows after answering a signing page: which mandate, which name."""
    verdict = "approuvée" if status["status"] == "approved" else "refusée"
    return (
        f"Mandat de « {context['client_name']} » (SIREN {context['client_siren']}) "
        f"pour le cabinet « {context['firm_name']} », signataire « {context['signer_name']} », "
        f"empreinte {context['document_fingerprint']}.\n"
        f"Demande depuis {context['requester_browser']} sur {context['requester_os']} "
        f"({context['requester_ip']}).\n"
        f"Signature {verdict}."
    )
