"""QR login throughput on PostgreSQL: challenge creation, then redemption, for Comptoir and for
a raw ASGI + asyncpg handler doing the same statements and cryptography (bench/baseline_login.py).

    .venv/bin/python -m bench.login [--seconds 5] [--connections 32]

Approvals happen between the two phases by one SQL update (what the phones would do), so the
redemption phase measures only the browser's side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
from cryptography.hazmat.primitives.asymmetric import ec

from api.auth.protocol import redeem_message
from api.core.crypto import jwk_thumbprint, new_token, private_key_public_jwk, sign_es256
from api.core.settings import PROJECT_ROOT, process_environment
from api.devices import companion
from bench.harness import (
    PYTHON,
    LoadResult,
    create_database,
    http_request,
    load,
    postgres_server,
    report,
    serve_baseline,
    serve_comptoir,
)

AUDIENCE = "http://bench.comptoir.local"


def _cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "-m", "api.cli", *args],
        env=process_environment() | env,
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


async def _top_up(database_url: str, browser: ec.EllipticCurvePrivateKey, count: int) -> None:
    """Pending challenges of this browser up to `count`, written as the app writes them: the
    redemption phase of both servers then has the same number of requests to serve, whatever
    each managed to create in its creation phase (a short phase measures its ramp and tail)."""
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    pending = await connection.fetchval(
        "SELECT count(*) FROM login_challenges WHERE status = 'pending'"
    )
    key = private_key_public_jwk(browser)
    now = datetime.now(UTC)
    await connection.executemany(
        "INSERT INTO login_challenges (id, browser_jwk, browser_jkt, server_nonce, match_code, "
        "status, requester_ip, poll_interval_seconds, created_at, expires_at) "
        "VALUES ($1, $2::json, $3, $4, '42', 'pending', '127.0.0.1', 2, $5, $6)",
        [
            (new_token(nbytes=24), json.dumps(key), jwk_thumbprint(key), new_token(nbytes=24),
             now, now + timedelta(minutes=10))
            for _ in range(max(0, count - pending))
        ],
    )  # fmt: skip
    await connection.close()


async def _approve_pending(
    database_url: str, user_id: str, device_id: str
) -> list[tuple[str, str]]:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    rows = await connection.fetch(
        "UPDATE login_challenges SET status = 'approved', user_id = $1, device_id = $2, "
        "decided_at = now(), expires_at = now() + interval '10 minutes' "
        "WHERE status = 'pending' RETURNING id, server_nonce",
        user_id,
        device_id,
    )
    await connection.close()
    return [(row["id"], row["server_nonce"]) for row in rows]


def _phases(
    label: str,
    base_url: str,
    database_url: str,
    browser: ec.EllipticCurvePrivateKey,
    device: companion.DeviceKey,
    args: argparse.Namespace,
) -> tuple[LoadResult, LoadResult]:
    url = base_url + "/api/v1/auth/login-challenges"
    body = json.dumps({"browser_key": private_key_public_jwk(browser)}).encode()
    create_request = http_request("POST", url, body=body)
    created = load(
        f"{label}: create challenge",
        url,
        connections=args.connections,
        seconds=args.seconds,
        requests=lambda: create_request,
    )
    asyncio.run(_top_up(database_url, browser, args.redemptions))
    approved = asyncio.run(_approve_pending(database_url, device.user_id, device.device_id))
    prepared = [
        http_request(
            "POST",
            f"{url}/{challenge_id}/redeem",
            body=json.dumps(
                {
                    "mode": "bearer",
                    "signature": sign_es256(
                        browser,
                        redeem_message(
                            audience=AUDIENCE, challenge_id=challenge_id, server_nonce=nonce
                        ),
                    ),
                }
            ).encode(),
        )
        for challenge_id, nonce in approved
    ]
    pending = iter(prepared)
    next_redeem: Callable[[], bytes | None] = lambda: next(pending, None)  # noqa: E731
    redeemed = load(
        f"{label}: redeem",
        url,
        connections=args.connections,
        seconds=args.seconds,
        requests=next_redeem,
        warm_up=False,
    )
    return created, redeemed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--redemptions",
        type=int,
        default=3000,
        help="approved challenges each server may redeem (the same number for both)",
    )
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_login")
        env = {
            "COMPTOIR_DATABASE_URL": database,
            "COMPTOIR_PUBLIC_URL": AUDIENCE,
            "COMPTOIR_RATE_LIMIT_CHALLENGES_PER_IP_PER_MINUTE": "100000000",
        }
        _cli(env, "migrate")
        output = _cli(
            env,
            "firm", "create", "--name", "Cabinet Banc d'essai", "--siren", "901234567",
            "--owner-email", "bench@cabinet-martin.fr",
            "--owner-first-name", "Claire", "--owner-last-name", "Martin",
        )  # fmt: skip
        token = re.search(r"enroll#(\S+)", output)
        assert token is not None
        browser = ec.generate_private_key(ec.SECP256R1())
        with serve_comptoir(database, env) as app_url:
            device = companion.enroll(f"{app_url}/enroll#{token.group(1)}", name="banc d'essai")
            app_created, app_redeemed = _phases(
                "comptoir", app_url, database, browser, device, args
            )
        with serve_baseline(
            "bench.baseline_login:app", database, {"BENCH_AUDIENCE": AUDIENCE}
        ) as raw_url:
            raw_created, raw_redeemed = _phases("raw", raw_url, database, browser, device, args)
    report("QR login — challenge creation (1 worker, PostgreSQL)", app_created, raw_created)
    report("QR login — redemption (1 worker, PostgreSQL)", app_redeemed, raw_redeemed)


if __name__ == "__main__":
    main()
