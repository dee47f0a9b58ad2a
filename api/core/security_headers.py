"""The security headers of every response, set in one place (OWASP Secure Headers Project).

Every response: `X-Content-Type-Options: nosniff` (a document is never run as script or
HTML), `Referrer-Policy: no-referrer` (a page address with a single-use link in it never leaves
in a `Referer`), `X-Frame-Options: DENY` and a Content-Security-Policy, and in production
`Strict-Transport-Security` (RFC 6797).

The policy depends on what the response is: the SPA's HTML may load its own scripts, styles
and images (QR codes are `data:` URIs, previews `blob:` URLs) and call its own API; the
interactive documentation also loads Swagger UI from its CDN; anything else (JSON, problems,
downloaded files) may load nothing at all. No page may be framed by another site
(`frame-ancestors 'none'`: clickjacking, notably of the login approval).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SPA_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self' blob:; worker-src 'self'; "
    "manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
RESOURCE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"

_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers at `http.response.start`, whatever produced the
    response (a route, an error handler, the crash barrier, a static file)."""

    def __init__(self, app: ASGIApp, *, hsts: bool, docs_paths: frozenset[str]) -> None:
        self.app = app
        self.hsts = hsts
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"] in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                added = [header for header in _COMMON if header[0] not in present]
                if b"content-security-policy" not in present:
                    added.append((b"content-security-policy", self._policy(headers, is_docs)))
                if self.hsts and b"strict-transport-security" not in present:
                    added.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = headers + added
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _policy(headers: list[tuple[bytes, bytes]], is_docs: bool) -> bytes:
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        if not content_type.startswith(b"text/html"):
            return RESOURCE_POLICY.encode()
        return (DOCS_POLICY if is_docs else SPA_POLICY).encode()
