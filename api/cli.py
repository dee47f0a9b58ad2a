"""The `comptoir` command line.

    comptoir run        migrate, then serve the API (and the built SPA at /); --workers N
                        serves with N processes (PostgreSQL only)
    comptoir migrate    upgrade the database schema to the newest revision
    comptoir openapi    write openapi/openapi.json from the app, without a server
    comptoir demo       seed the demo firm so a newcomer sees a living product
    comptoir worker     deliver the outbox (mail, …) in a dedicated process

Domains add their own commands through `COMMAND_GROUPS` (`comptoir device …`, `comptoir sirene …`,
`comptoir clients remind`, `comptoir outbox dead|retry`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.api_keys import cli as api_keys_cli
from api.audit import cli as audit_cli
from api.auth import cli as auth_cli
from api.blobs import cli as blobs_cli
from api.clients import cli as clients_cli
from api.companies import cli as companies_cli
from api.core.settings import PROJECT_ROOT, Settings, get_settings, override_environment
from api.devices import cli as devices_cli
from api.firms import cli as firms_cli
from api.help import cli as help_cli
from api.outbox import cli as outbox_cli
from api.ppf import cli as ppf_cli
from api.routing import cli as routing_cli

OPENAPI_PATH = PROJECT_ROOT / "openapi" / "openapi.json"

# Each entry registers a sub-command group on the parser; domains append theirs here.
COMMAND_GROUPS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    api_keys_cli.register,
    audit_cli.register,
    blobs_cli.register,
    auth_cli.register,
    clients_cli.register,
    companies_cli.register,
    devices_cli.register,
    firms_cli.register,
    help_cli.register,
    outbox_cli.register,
    ppf_cli.register,
    routing_cli.register,
]


def _cmd_migrate(_args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    upgrade_to_head()
    print("Base de données à jour.")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.migrate import upgrade_to_head

    # The app is built by uvicorn (in each worker process) from the environment: what the
    # command line says goes there, so the public URL derived from the port agrees with it.
    settings = override_environment(host=args.host, port=args.port, workers=args.workers)
    if settings.workers > 1 and settings.is_sqlite:
        # One SQLite file takes one writer at a time, guarded inside one process
        # (`api.core.db.ConnectionGate`): several processes would answer « base occupée ».
        print(
            "SQLite ne se sert qu'avec un seul processus : lancez avec COMPTOIR_WORKERS=1, "
            "ou passez à PostgreSQL (COMPTOIR_DATABASE_URL) pour en servir plusieurs.",
            file=sys.stderr,
        )
        return 2
    upgrade_to_head()
    print(f"Comptoir : {settings.public_url}", flush=True)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # With several processes, uvicorn restarts one that does not answer its ping in time;
        # a new process imports the whole app first (seconds on a busy machine), and its
        # default 5 s killed every one of them on a loaded 2-core machine.
        timeout_worker_healthcheck=60,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )
    return 0


def render_openapi() -> str:
    from api.app import create_app

    schema = create_app().openapi()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _cmd_openapi(args: argparse.Namespace) -> int:
    target = Path(args.output)
    rendered = render_openapi()
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != rendered:
            print(f"{target} est obsolète : lancez `comptoir openapi`.", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(rendered, encoding="utf-8")
    print(f"Contrat écrit dans {target}")
    return 0


def _cmd_demo(_args: argparse.Namespace) -> int:
    from api.demo import seed_demo
    from api.migrate import upgrade_to_head

    upgrade_to_head()
    for line in asyncio.run(seed_demo(get_settings())):
        print(line)
    return 0


def _cmd_worker(_args: argparse.Namespace) -> int:
    from api.core.db import create_engine, create_sessionmaker
    from api.worker import run_forever

    settings = get_settings()

    async def work() -> None:
        engine = create_engine(settings)
        try:
            await run_forever(settings, create_sessionmaker(engine))
        finally:
            await engine.dispose()

    try:
        asyncio.run(work())
    except KeyboardInterrupt:
        print("Worker arrêté.")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("un nombre entier ≥ 1 est attendu")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="comptoir", description="Comptoir")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="migrer la base puis servir l'API et le SPA")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument(
        "--workers",
        type=_positive,
        help="processus HTTP (défaut : COMPTOIR_WORKERS, 1 ; plusieurs : PostgreSQL seulement)",
    )
    run.set_defaults(handler=_cmd_run)

    commands.add_parser("migrate", help="mettre le schéma à jour").set_defaults(
        handler=_cmd_migrate
    )

    openapi = commands.add_parser("openapi", help="écrire openapi/openapi.json")
    openapi.add_argument("--output", default=str(OPENAPI_PATH))
    openapi.add_argument("--check", action="store_true", help="échouer si le fichier diffère")
    openapi.set_defaults(handler=_cmd_openapi)

    commands.add_parser("demo", help="créer les données de démonstration").set_defaults(
        handler=_cmd_demo
    )
    commands.add_parser(
        "worker", help="délivrer la file d'envoi (courriels…) dans un processus dédié"
    ).set_defaults(handler=_cmd_worker)
    for register in COMMAND_GROUPS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        # A bad setting is the operator's to fix: say which and why, not a traceback.
        print(settings_problem(error), file=sys.stderr)
        return 2


def settings_problem(error: ValidationError) -> str:
    """The settings refused at start-up, one line each, named as they are set."""
    lines = ["Configuration invalide :"]
    for problem in error.errors(include_url=False):
        if not problem["loc"]:  # a rule between settings: its message names them
            lines.append(f"  {(problem.get('ctx') or {}).get('error', problem['msg'])}")
            continue
        field = ".".join(str(part) for part in problem["loc"])
        given = problem.get("input")
        shown = "" if isinstance(given, dict) else f" (valeur reçue : {given!r})"
        lines.append(f"  COMPTOIR_{field.upper()} : {_french(problem)}{shown}")
    lines.append("Corrigez la variable d'environnement (ou la ligne de .env) puis relancez.")
    return "\n".join(lines)


def _french(problem: Any) -> str:
    context = problem.get("ctx") or {}
    kind = problem.get("type")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤"}.get(
            kind, "<"
        )
        bound = next(iter(context.values()), "?")
        return f"la valeur doit être {sign} {bound}"
    if kind in ("int_parsing", "int_type"):
        return "un nombre entier est attendu"
    if kind in ("float_parsing", "float_type"):
        return "un nombre est attendu"
    if kind in ("bool_parsing", "bool_type"):
        return "true ou false est attendu"
    if kind == "literal_error":
        return f"valeurs possibles : {context.get('expected', '?')}"
    return str(problem.get("msg", "valeur refusée"))


if __name__ == "__main__":
    raise SystemExit(main())
