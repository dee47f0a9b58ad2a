"""Every setting of Comptoir, read once from `COMPTOIR_*` environment variables.

This is the only module that reads the process environment; everything else receives a
`Settings` object (`get_settings()` or the app's state, `app_settings(request)`).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Asymmetric algorithms only: `none` proves nothing and HS* is keyed by the client secret, so
# anyone holding that secret could mint an identity (OpenID Connect Core §10.1, RFC 8725 §3.1).
OIDC_SIGNING_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"})

# Where the provider sends the browser back; the registration router serves it.
OIDC_DEFAULT_CALLBACK_PATH = "/api/v1/registration/sso/callback"


class ClientPlan(BaseModel):
    """One plan of the client subscription catalogue. Prices are decimal strings (euros, HT)."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str
    monthly_price: str = Field(pattern=r"^\d+\.\d{2}$")


class PeerPlatform(BaseModel):
    """Another approved platform (PA) this one exchanges invoices with over its Flow Service
    (docs/flows.md « Routage »). `id` is its identifier in the directory (the `platform_id` of
    its lines). Outgoing: we call `base_url` with the client credentials it issued to us
    (`client_id`, `client_secret`). Incoming: it calls us with the ones we issued to it
    (`inbound_client_id`, `inbound_client_secret`). Secrets are never logged nor shown."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=100)
    base_url: str = Field(pattern=r"^https?://")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    inbound_client_id: str = Field(min_length=1)
    inbound_client_secret: SecretStr


class Settings(BaseSettings):
    """Typed configuration. Defaults are the embedded, offline set-up of a fresh machine."""

    model_config = SettingsConfigDict(
        env_prefix="COMPTOIR_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Literal["development", "test", "production"] = "development"
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of the web app, used in QR codes and e-mail links; "
        "unset, `http://{host}:{port}` of this process (`comptoir run --port 8131` links to "
        "port 8131).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    api_docs: bool | None = Field(
        default=None,
        description="Serve the interactive API documentation at /docs; by default on, except "
        "in production (the contract itself stays at /api/v1/openapi.json).",
    )

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Folder for the embedded SQLite database, blobs and local keys.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir. "
        "Use postgresql+asyncpg://user:pass@host/db in production.",
    )
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    database_echo: bool = False
    database_busy_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=120,
        description="SQLite only: how long a write waits for the write lock before the "
        "request is answered 503 (busy, with Retry-After).",
    )
    session_check_cache: bool = Field(
        default=True,
        description="PostgreSQL only: remember session checks while the database notifies "
        "changes (LISTEN/NOTIFY); off, every request reads its session.",
    )

    company_registry: Literal["sirene", "recherche_entreprises"] = Field(
        default="sirene",
        description="Source of company data: the local SIRENE tables (loaded by "
        "`comptoir sirene import`) or the public API Recherche d'entreprises.",
    )
    recherche_entreprises_url: str = "https://recherche-entreprises.api.gouv.fr"
    recherche_entreprises_timeout_seconds: float = Field(default=5.0, gt=0)
    recherche_entreprises_requests_per_second: float = Field(
        default=7.0,
        gt=0,
        description="The public API's documented limit, shared by every API process "
        "through the database.",
    )
    recherche_entreprises_max_retries: int = Field(default=2, ge=0)
    recherche_entreprises_max_wait_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Longest wait (rate slot or `Retry-After`) while a user waits; beyond it "
        "the lookup fails with a 503 carrying the delay.",
    )
    company_registry_cache_ttl_seconds: int = Field(default=86_400, ge=0)

    spa_dist: Path = Field(
        default=PROJECT_ROOT / "spa" / "dist",
        description="Built SPA served at / when the folder exists.",
    )

    # Passwordless login (docs/auth.md)
    access_token_ttl_seconds: int = Field(default=600, ge=30, le=3600)
    software_token_ttl_seconds: int = Field(
        default=900,
        ge=30,
        le=3600,
        description="Lifetime of the bearer tokens /oauth2/token issues to software.",
    )
    session_ttl_days: int = Field(default=30, ge=1, le=365)
    login_challenge_ttl_seconds: int = Field(default=120, ge=30, le=600)
    login_poll_interval_seconds: int = Field(default=2, ge=1, le=30)
    login_long_poll_max_seconds: int = Field(default=20, ge=0, le=60)
    enrollment_token_ttl_hours: int = Field(default=168, ge=1, le=720)
    device_signature_max_age_seconds: int = Field(default=300, ge=30, le=3600)
    rate_limit_challenges_per_ip_per_minute: int = Field(default=30, ge=1)
    rate_limit_approvals_per_user_per_minute: int = Field(default=10, ge=1)
    rate_limit_device_sessions_per_ip_per_minute: int = Field(default=30, ge=1)
    rate_limit_api_key_requests_per_minute: int = Field(default=600, ge=1)

    # Webhooks (Extensions)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_secret_rotation_grace_hours: int = Field(default=24, ge=0, le=720)
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Allow loopback/private/link-local receiver URLs. Only tests set it: "
        "otherwise a webhook could reach the server's own network (SSRF).",
    )

    @model_validator(mode="before")
    @classmethod
    def _public_url_from_host_and_port(cls, data: Any) -> Any:
        """No public URL given: the address this process listens on (a wildcard host is
        reached on loopback)."""
        if isinstance(data, dict) and not data.get("public_url"):
            host = str(data.get("host") or "127.0.0.1")
            if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a comparison, not a bind
                host = "127.0.0.1"
            if ":" in host:
                host = f"[{host}]"
            data = {**data, "public_url": f"http://{host}:{data.get('port') or 8000}"}
        return data

    @property
    def token_audience(self) -> str:
        """`aud` of access tokens and of every signed login message: this deployment's URL."""
        return self.public_url.rstrip("/")

    blob_storage: Literal["local", "s3"] = Field(
        default="local",
        description="Where document bytes live: `local` (data_dir/blobs) or `s3` (S3-compatible).",
    )
    upload_max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="Largest accepted upload, in bytes."
    )
    einvoice_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1,
        description="Largest PDF/XML analysed for e-invoice metadata; bigger ones are stored "
        "unanalysed and flagged.",
    )
    flow_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1,
        description="Largest flow accepted by the Flow Service (the annex allows up to 100 MB).",
    )
    s3_endpoint_url: str = Field(
        default="",
        description="Base URL of the S3-compatible service, e.g. https://s3.fr-par.scw.cloud.",
    )
    s3_region: str = "us-east-1"
    s3_bucket: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_key_prefix: str = Field(default="blobs/", description="Prefix of every object key.")
    s3_addressing_style: Literal["path", "virtual"] = Field(
        default="path",
        description="`path` (endpoint/bucket/key) or `virtual` (bucket.endpoint/key).",
    )
    s3_timeout_seconds: float = Field(default=30.0, gt=0)
    blob_orphan_grace_seconds: int = Field(
        default=3600,
        ge=60,
        description="`comptoir blobs sweep` deletes an unreferenced blob only once it is this "
        "old: an upload publishes its blob before its row commits.",
    )

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    # Firm registration goes through the profession's SSO (Comptexpert in production, any
    # OpenID Connect provider here). Empty issuer: SSO registration is off.
    oidc_issuer: str = Field(default="", description="Issuer URL of the OpenID provider.")
    oidc_allowed_issuers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Issuers allowed to create a firm (comma-separated or JSON list); "
        "the configured issuer must be one of them.",
    )
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_token_auth_method: Literal["client_secret_basic", "client_secret_post"] = (
        "client_secret_basic"
    )
    oidc_redirect_uri: str = Field(
        default="",
        description=f"Callback URL registered at the provider; empty means "
        f"public_url + {OIDC_DEFAULT_CALLBACK_PATH}.",
    )
    oidc_scopes: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["openid", "profile", "email"]
    )
    oidc_id_token_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256"],
        description="Signature algorithms accepted on id_tokens (asymmetric only).",
    )
    oidc_claim_given_name: str = "given_name"
    oidc_claim_family_name: str = "family_name"
    oidc_claim_email: str = "email"
    oidc_claim_siren: str = Field(
        default="", description="Claim carrying the firm's SIREN; empty: registration asks."
    )
    oidc_clock_leeway_seconds: int = Field(default=60, ge=0, le=300)
    oidc_id_token_max_age_seconds: int = Field(
        default=600, ge=60, description="An id_token issued longer ago than this is refused."
    )
    oidc_metadata_ttl_seconds: int = Field(
        default=3600, ge=60, description="How long discovery and JWKS documents are cached."
    )
    oidc_http_timeout_seconds: float = Field(default=10.0, gt=0)

    # Firm registration (docs/registration.md)
    sso_authorization_ttl_seconds: int = Field(
        default=600, ge=60, le=3600, description="How long a started SSO login may be finished."
    )
    registration_ttl_hours: int = Field(
        default=72, ge=1, le=720, description="How long a registration waits for its owner."
    )
    rate_limit_sso_starts_per_ip_per_minute: int = Field(default=20, ge=1)
    rate_limit_identity_attempts_per_hour: int = Field(
        default=5, ge=1, description="Identity document submissions per registration and hour."
    )
    identity_image_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1, description="Largest ID document photo accepted."
    )

    @field_validator(
        "oidc_allowed_issuers", "oidc_scopes", "oidc_id_token_algorithms", mode="before"
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("oidc_id_token_algorithms")
    @classmethod
    def _only_asymmetric_algorithms(cls, value: list[str]) -> list[str]:
        refused = sorted(set(value) - OIDC_SIGNING_ALGORITHMS)
        if refused or not value:
            raise ValueError(
                f"algorithmes refusés pour l'id_token : {refused or 'liste vide'} "
                f"(autorisés : {sorted(OIDC_SIGNING_ALGORITHMS)})"
            )
        return value

    # Clients (issue 6). The plan catalogue is configuration: a firm sells its own plans.
    client_plans: list[ClientPlan] = Field(
        default_factory=lambda: [
            ClientPlan(code="essentiel", name="Essentiel", monthly_price="19.00"),
            ClientPlan(code="standard", name="Standard", monthly_price="39.00"),
            ClientPlan(code="premium", name="Premium", monthly_price="79.00"),
        ],
        description="Subscription plans offered to clients (JSON list of "
        '{"code", "name", "monthly_price"}).',
    )
    client_import_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1, description="Largest accepted client import file."
    )
    client_import_max_rows: int = Field(default=20_000, ge=1)
    client_import_max_unzipped_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="Largest total uncompressed size of an import's zip parts (zip bombs).",
    )
    client_import_max_zip_ratio: int = Field(
        default=100, ge=1, description="Largest compression ratio of one zip part."
    )
    client_import_ttl_minutes: int = Field(
        default=60, ge=1, description="How long an import's dry-run report can be confirmed."
    )

    @property
    def oidc_callback_url(self) -> str:
        return self.oidc_redirect_uri or self.public_url.rstrip("/") + OIDC_DEFAULT_CALLBACK_PATH

    # E-invoicing (docs/einvoicing.md): the platform's identity, printed on mandates, and the
    # national directory (annuaire) where clients are registered as reachable through it.
    platform_name: str = Field(
        default="Comptoir", description="Name of the approved platform (PA) on mandates."
    )
    platform_siren: str = Field(default="", description="SIREN of the platform's operator.")
    platform_registration_number: str = Field(
        default="", description="The platform's registration number as an approved platform."
    )
    directory: Literal["local", "afnor"] = Field(
        default="local",
        description="Where directory lines go: `local` (embedded, in our database) or `afnor` "
        "(an XP Z12-013 Directory Service at directory_url).",
    )
    directory_platform_id: str = Field(
        default="0000",
        min_length=1,
        description="Our platform's identifier in the directory; lines we hold carry it.",
    )
    directory_url: str = Field(
        default="", description="Base URL of the Directory Service (paths start with /v1/)."
    )
    directory_token: SecretStr = Field(
        default=SecretStr(""), description="Bearer token identifying our platform."
    )
    directory_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    directory_timeout_seconds: float = Field(
        default=15.0, gt=0, description="Beyond it a call is a transient failure (retried)."
    )
    peer_platforms: list[PeerPlatform] = Field(
        default_factory=list,
        description="Other platforms invoices are routed to and received from (JSON list of "
        "{id, base_url, client_id, client_secret, inbound_client_id, inbound_client_secret}).",
    )
    peer_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Beyond it a call to a peer platform is retried later."
    )

    def peer_platform(self, platform_id: str) -> PeerPlatform | None:
        return next((peer for peer in self.peer_platforms if peer.id == platform_id), None)

    # The PPF feed (api/ppf, docs/flows.md « PPF »): status copies the PPF must receive.
    ppf_feed: Literal["local", "http"] = Field(
        default="local",
        description="`local`: each copy is kept in the database and marked sent here (embedded "
        "default); `http`: POSTed to ppf_url.",
    )
    ppf_url: str = Field(
        default="", description="The PPF endpoint receiving status copies (`http` feed)."
    )
    ppf_token: SecretStr = Field(
        default=SecretStr(""), description="Bearer token the platform presents to the PPF."
    )
    ppf_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    ppf_timeout_seconds: float = Field(
        default=15.0, gt=0, description="Beyond it a sending is a transient failure (retried)."
    )

    @model_validator(mode="after")
    def _http_ppf_feed_names_its_endpoint_and_this_platform(self) -> Settings:
        """The PPF knows a platform by its registration number (matricule): a copy sent
        without one would name this platform by its directory id, `0000` by default, which is
        the PPF's own. The embedded `local` feed sends nothing, so it needs neither."""
        if self.ppf_feed != "http":
            return self
        missing = [
            name
            for name, value in (
                ("COMPTOIR_PPF_URL", self.ppf_url),
                ("COMPTOIR_PLATFORM_REGISTRATION_NUMBER", self.platform_registration_number),
            )
            if not value.strip()
        ]
        if missing:
            raise ValueError(
                f"COMPTOIR_PPF_FEED=http demande {' et '.join(missing)} "
                "(l'adresse du PPF et le matricule de la plateforme qui signe ses copies)"
            )
        return self

    @property
    def platform_matricule(self) -> str:
        """How this platform names itself in status messages (scheme 0238): the parties' and
        the PPF's copies (their sender)."""
        return self.platform_registration_number or self.directory_platform_id

    # Mail and the outbox (api/outbox, api/adapters/mail.py)
    mail_transport: Literal["log", "smtp"] = Field(
        default="log",
        description="`log`: each mail is kept in the outbox table and written to the log "
        "(embedded default); `smtp`: sent through the SMTP server below.",
    )
    mail_from: str = Field(
        default="Comptoir <ne-pas-repondre@comptoir.localhost>",
        description="From: header of every mail.",
    )
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="`starttls` (submission, port 587), `tls` (implicit TLS, port 465) or "
        "`none` (a relay on loopback only).",
    )
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    smtp_ca_file: Path | None = Field(
        default=None,
        description="PEM bundle trusted for the SMTP server's certificate (a relay with a "
        "private CA); empty: the system's trust store.",
    )
    outbox_worker: Literal["embedded", "off"] = Field(
        default="embedded",
        description="`embedded`: every API process also delivers the outbox (safe with "
        "several processes); `off`: run `comptoir worker` separately.",
    )
    outbox_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    outbox_batch_size: int = Field(default=20, ge=1, le=500)
    outbox_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Messages of a batch delivered at once (a slow receiver then holds up only "
        "its own message); kinds that must keep their order go one after another.",
    )
    outbox_max_attempts: int = Field(
        default=10, ge=1, description="Attempts before a message is marked dead."
    )
    outbox_retry_base_seconds: float = Field(
        default=30.0, gt=0, description="Delay after the first failure; doubles each time."
    )
    outbox_retry_max_seconds: float = Field(default=3600.0, gt=0)
    outbox_lease_seconds: int = Field(
        default=60,
        ge=3,
        description="How long a claimed message is reserved for its worker, renewed while it "
        "is being delivered; a worker that dies mid-delivery hands it back after this delay.",
    )
    # Client invitations (issue 6): `comptoir clients remind` and the reminders endpoint.
    client_invitation_reminder_days: int = Field(
        default=7, ge=1, le=90, description="Remind clients whose invitation is this many days old."
    )
    client_invitation_max_reminders: int = Field(
        default=3, ge=0, le=20, description="Reminders after which a client is no longer reminded."
    )
    # The help centre's contact block and support requests (api/help)
    support_email: str = Field(
        default="support@comptoir.localhost",
        description="Where support requests are mailed; shown in « Assistance ».",
    )
    support_phone: str = Field(default="01 23 45 67 89", description="Support phone number.")
    support_hours: str = Field(
        default="du lundi au vendredi, de 9 h à 18 h", description="Support opening hours."
    )
    support_response_time: str = Field(
        default="sous un jour ouvré", description="Promised response time of the support."
    )

    # Mandates signed online (issue 20, docs/mandates.md).
    mandate_seal_certificate_file: Path | None = Field(
        default=None,
        description="PEM certificate of the platform's seal on signed mandates; empty (with "
        "the key empty too): a self-signed one generated in data_dir/seal on first start.",
    )
    mandate_seal_key_file: Path | None = Field(
        default=None, description="PEM private key of the seal certificate."
    )
    mandate_seal_key_password: SecretStr = Field(
        default=SecretStr(""), description="Password of the seal's private key, if encrypted."
    )
    mandate_link_ttl_days: int = Field(
        default=14, ge=1, le=90, description="How long a mandate signature link stays valid."
    )
    mandate_reminder_days: int = Field(
        default=3, ge=1, le=60, description="Days after a sending before an automatic reminder."
    )
    mandate_max_reminders: int = Field(
        default=2, ge=0, le=10, description="Automatic reminders of one mandate request."
    )
    mandate_code_ttl_minutes: int = Field(default=10, ge=1, le=60)
    mandate_code_max_attempts: int = Field(
        default=5, ge=1, le=20, description="Wrong codes after which the link is locked."
    )
    mandate_codes_per_link: int = Field(
        default=5, ge=1, le=50, description="One-time codes one link may ask for."
    )

    # The Peppol access point (issue 19, docs/peppol.md): AS4 sending and receiving.
    peppol_access_point: bool = Field(
        default=False,
        description="Exchange over Peppol AS4 with platforms that are not peer platforms "
        "(needs the certificate, key and trust anchors below).",
    )
    peppol_certificate_file: Path | None = Field(
        default=None,
        description="PEM certificate of this access point (its common name is our Peppol "
        "seat id, e.g. POP000123), issued by the Peppol AP CA.",
    )
    peppol_key_file: Path | None = Field(
        default=None, description="PEM private key (RSA) of the access point certificate."
    )
    peppol_key_password: SecretStr = Field(
        default=SecretStr(""), description="Password of that private key, if encrypted."
    )
    peppol_trust_file: Path | None = Field(
        default=None,
        description="PEM bundle of the Peppol CAs trusted for other access points: the "
        "self-signed ones are anchors, the others intermediates (the AP CA).",
    )
    peppol_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Beyond it a sending is retried later."
    )
    peppol_verify_sender: bool = Field(
        default=True,
        description="Accept a message only from the access point the SMP publishes for its "
        "sender participant (a lookup per received message, cached like every lookup).",
    )

    # Peppol participant lookup and our own SMP (api/peppol/smp, docs/peppol-smp.md).
    peppol_smp_url: str = Field(
        default="",
        description="Lookup: base URL of the SMP to ask for every participant (tests, a "
        "self-hoster's network); empty, the SMP is found through the SML's DNS "
        "(peppol_sml_method, peppol_sml_zone).",
    )
    peppol_sml_method: Literal["naptr", "cname"] = Field(
        default="naptr",
        description="How the SML names a participant's SMP: `naptr` (a NAPTR record at "
        "base32(sha256(id)), Peppol's way since 2025) or `cname` (the legacy B-<md5> host).",
    )
    peppol_sml_nameserver: str = Field(
        default="",
        description="`host[:port]` of the DNS server asked for SML records; empty: the "
        "system's resolvers.",
    )
    peppol_sml_zone: str = Field(
        default="edelivery.tech.ec.europa.eu",
        description="DNS zone of the Peppol SML (production; the test network's is "
        "acc.edelivery.tech.ec.europa.eu).",
    )
    peppol_smp_trust_anchors_file: Path | None = Field(
        default=None,
        description="PEM bundle of the CA certificates an SMP's signing certificate must chain "
        "to (the Peppol SMP root); unset, no SMP answer is trusted.",
    )
    peppol_smp_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Beyond it an SMP lookup is retried later."
    )
    peppol_smp_cache_seconds: int = Field(
        default=3600,
        ge=0,
        le=86_400,
        description="How long an SMP answer is reused (less when the SMP's Cache-Control, the "
        "endpoint's expiration date or its certificate says less).",
    )
    peppol_smp_negative_cache_seconds: int = Field(
        default=300, ge=0, le=86_400, description="How long « participant unknown » is reused."
    )
    peppol_smp_enabled: bool = Field(
        default=False,
        description="Publish our participants (registered clients) in our own SMP at /smp, "
        "with our access point (peppol_certificate_file); needs the SMP certificate and key "
        "below.",
    )
    peppol_smp_certificate_file: Path | None = Field(
        default=None, description="PEM certificate (then its CA chain) signing our SMP's answers."
    )
    peppol_smp_key_file: Path | None = Field(
        default=None, description="PEM private key of the SMP certificate (unencrypted)."
    )
    peppol_smp_endpoint_url: str = Field(
        default="",
        description="The AS4 endpoint URL our SMP publishes; empty: public_url + /peppol/as4.",
    )
    peppol_smp_public_url: str = Field(
        default="",
        description="Base URL others reach our SMP at (its ServiceGroup links); empty: "
        "public_url + /smp.",
    )

    @model_validator(mode="after")
    def _smp_publishes_with_its_keys(self) -> Settings:
        if self.peppol_smp_enabled and not (
            self.peppol_smp_certificate_file
            and self.peppol_smp_key_file
            and self.peppol_certificate_file
        ):
            raise ValueError(
                "peppol_smp_enabled needs peppol_smp_certificate_file, peppol_smp_key_file and "
                "peppol_certificate_file"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'comptoir.db'}"

    @property
    def serves_api_docs(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.environment != "production"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def override_environment(**values: object) -> Settings:
    """Set `COMPTOIR_<NAME>` for this process and the ones it starts (uvicorn's workers build the
    app from the environment), skipping empty values, and return the settings read afresh."""
    for name, value in values.items():
        if value:
            os.environ[f"COMPTOIR_{name.upper()}"] = str(value)
    get_settings.cache_clear()
    return get_settings()


def process_environment() -> dict[str, str]:
    """A copy of the process environment, for starting child processes (CLI, tests, bench)."""
    return dict(os.environ)


def app_settings(request: Request) -> Settings:
    """The settings the running app was built with (`create_app`), for routers."""
    settings: Settings = request.app.state.comptoir.settings  # `api.core.state.AppState`
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]
