"""Security helpers: random tokens, hashed secrets, ES256 device/browser signatures, JWK
thumbprints.

Secrets (enrollment tokens, refresh tokens, invitation links, API keys) are stored as their
SHA-256 and compared in constant time; the plain value is shown once. The tokens carry 256
random bits, so an unsalted hash is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

P256_COORDINATE_BYTES = 32


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/ \n"):
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    """A URL-safe random secret, optionally prefixed so it can be recognised (`cpt_ref_…`)."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(presented: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with its stored hash."""
    return hmac.compare_digest(hash_token(presented), stored_hash)


class InvalidPublicKey(ValueError):
    pass


def load_p256_jwk(jwk: dict[str, Any]) -> ec.EllipticCurvePublicKey:
    """Accept only a public P-256 key: kty EC, crv P-256, 32-byte x and y, on the curve."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise InvalidPublicKey("une clé publique EC P-256 (JWK) est attendue")
    if "d" in jwk:
        raise InvalidPublicKey("la clé privée ne doit jamais être envoyée")
    try:
        x = b64url_decode(jwk["x"])
        y = b64url_decode(jwk["y"])
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidPublicKey("coordonnées x/y invalides") from exc
    if len(x) != P256_COORDINATE_BYTES or len(y) != P256_COORDINATE_BYTES:
        raise InvalidPublicKey("coordonnées x/y de 32 octets attendues")
    try:
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        ).public_key()
    except ValueError as exc:
        raise InvalidPublicKey("le point n'est pas sur la courbe P-256") from exc


def public_jwk(jwk: dict[str, Any]) -> dict[str, str]:
    """The canonical public members of a P-256 JWK (drops anything else the client sent)."""
    load_p256_jwk(jwk)
    return {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"]}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order."""
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def verify_es256(jwk: dict[str, Any], message: str, signature_b64url: str) -> bool:
    """Verify a JWS-style ES256 signature: base64url of the raw 64-byte r‖s (what WebCrypto
    and most mobile key stores produce), over the UTF-8 message."""
    try:
        raw = b64url_decode(signature_b64url)
    except (ValueError, TypeError):
        return False
    if len(raw) != 2 * P256_COORDINATE_BYTES:
        return False
    r = int.from_bytes(raw[:P256_COORDINATE_BYTES], "big")
    s = int.from_bytes(raw[P256_COORDINATE_BYTES:], "big")
    try:
        load_p256_jwk(jwk).verify(
            encode_dss_signature(r, s), message.encode("utf-8"), ec.ECDSA(hashes.SHA256())
        )
    except (InvalidSignature, InvalidPublicKey):
        return False
    return True


def sign_es256(private_key: ec.EllipticCurvePrivateKey, message: str) -> str:
    """The signing side of `verify_es256` (used by the device companion CLI and the tests)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    der = private_key.sign(message.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return b64url_encode(
        r.to_bytes(P256_COORDINATE_BYTES, "big") + s.to_bytes(P256_COORDINATE_BYTES, "big")
    )


def private_key_public_jwk(private_key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = private_key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(numbers.x.to_bytes(P256_COORDINATE_BYTES, "big")),
        "y": b64url_encode(numbers.y.to_bytes(P256_COORDINATE_BYTES, "big")),
    }


_SEAL_NONCE_BYTES = 12


def _sealing_key(secret: str, purpose: str) -> bytes:
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode("utf-8")
    ).derive(secret.encode("utf-8"))


def seal_with_secret(secret: str, plaintext: str, *, purpose: str) -> bytes:
    """Encrypt `plaintext` so that only a holder of `secret` can read it back.

    For a value that must be shown again to whoever presents a secret we store only hashed
    (a registration page showing its enrollment QR): AES-256-GCM under HKDF-SHA256(secret,
    info=purpose). `secret` must be a random token (≥ 128 bits); `purpose` separates uses.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(_SEAL_NONCE_BYTES)
    sealed = AESGCM(_sealing_key(secret, purpose)).encrypt(nonce, plaintext.encode("utf-8"), None)
    return nonce + sealed


def open_sealed(secret: str, sealed: bytes, *, purpose: str) -> str:
    """The inverse of `seal_with_secret`; raises `ValueError` for another secret or purpose."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce, ciphertext = sealed[:_SEAL_NONCE_BYTES], sealed[_SEAL_NONCE_BYTES:]
    try:
        plaintext = AESGCM(_sealing_key(secret, purpose)).decrypt(nonce, ciphertext, None)
    except InvalidTag as exc:
        raise ValueError("sealed value does not open with this secret") from exc
    return plaintext.decode("utf-8")
