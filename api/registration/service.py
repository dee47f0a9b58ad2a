"""Firm registration (docs/registration.md): only an expert-comptable authenticated by an
allowed SSO issuer, whose identity document matches that SSO identity, creates a firm.

    SSO start ──► provider ──► callback ──► registration (awaiting_siren | awaiting_identity)
      │                                         │ PUT siren (when the SSO gave none)
      │                                         │ the app enrolls with the registration's link
      ▼                                         ▼ POST identity from that device
    pending login in the DB (state hash)     verified ──► firm + owner active ──► completed

Every step is an audit event; every refusal a problem with a stable code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siren as siren_number

from api.adapters.blob_storage import BlobStorage
from api.adapters.company_registry import CompanyRegistry
from api.adapters.identity_provider import (
    IdentityProvider,
    PendingAuthorization,
    SsoBadState,
    SsoError,
    SsoIdentity,
)
from api.audit import service as audit
from api.audit.service import ANONYMOUS, Author
from api.companies.service import CompanyClosed
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind
from api.core.crypto import hash_token, new_token, open_sealed, seal_with_secret
from api.core.errors import AppError, Conflict, NotFound, UnprocessableEntity
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.documents.sniffing import sniff
from api.enrollments import service as enrollments
from api.firms import service as firms_service
from api.firms.identity_check import (
    HolderName,
    IdentityCheckResult,
    IdentityDocument,
    IdentityVerifier,
    MrzFields,
)
from api.firms.service import FirmDetails
from api.models.enrollment_token import EnrollmentPurpose
from api.models.registration import (
    FirmRegistration,
    IdentityVerification,
    RegistrationStatus,
    SsoAuthorization,
)
from api.models.user import User
from api.models.workspace import Workspace
from api.rate_limits import service as rate_limits
from api.rate_limits.service import Limit
from api.registration import repository
from api.registration.schemas import NextStep, RegistrationState

REGISTRATION_SECRET_PREFIX = "cpt_reg_"
# HKDF `info` of the sealed enrollment link: a key derived for nothing else.
ENROLLMENT_SEAL_PURPOSE = "comptoir-registration-enrollment-v1"
SPA_REGISTRATION_PATH = "/inscription"
ACCEPTED_IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/heic", "image/heif", "image/webp"}
)


# --- errors -------------------------------------------------------------------------------


class RegistrationNotFound(NotFound):
    code = "registration-not-found"
    title = "Inscription introuvable"


class RegistrationExpired(AppError):
    status = 410
    code = "registration-expired"
    title = "Inscription expirée : recommencez la connexion avec votre fournisseur d'identité"


class RegistrationCompleted(Conflict):
    code = "registration-completed"
    title = "Cette inscription est terminée : le cabinet existe déjà"


class RegistrationSirenMissing(Conflict):
    code = "registration-siren-missing"
    title = "Indiquez d'abord le SIREN du cabinet"


class SirenFromSso(Conflict):
    code = "registration-siren-from-sso"
    title = "Le SIREN transmis par votre fournisseur d'identité ne peut pas être modifié"


class CompanyNotFound(UnprocessableEntity):
    code = "company-not-found"
    title = "Aucune entreprise avec ce SIREN dans le registre des entreprises"


class SsoEmailUnverified(UnprocessableEntity):
    code = "sso-email-unverified"
    title = "Adresse e-mail non vérifiée par votre fournisseur d'identité"


class IdentityImageRefused(UnprocessableEntity):
    code = "identity-image-refused"
    title = "Photo du document refusée"


class IdentityRejected(UnprocessableEntity):
    """The document was checked and refused; the evidence row and audit event stay."""

    code = "identity-rejected"
    title = "Identité non vérifiée"
    keeps_changes = True


# --- values -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnrollmentLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RegistrationView:
    """A registration as its page shows it: `status` includes the derived "expired"."""

    registration: FirmRegistration
    status: RegistrationState
    next_step: NextStep
    device_enrolled: bool
    enrollment: EnrollmentLink | None


@dataclass(frozen=True, slots=True)
class VerifiedRegistration:
    verification: IdentityVerification
    result: IdentityCheckResult
    firm: Workspace


def registration_page_url(settings: Settings, secret: str) -> str:
    # The secret travels in the fragment: the browser never sends it with the page request.
    return f"{settings.token_audience}{SPA_REGISTRATION_PATH}#{secret}"


# --- 1. SSO ------------------------------------------------------------------------------


async def start_sso(
    session: AsyncSession, settings: Settings, provider: IdentityProvider, origin: RequestOrigin
) -> str:
    """Begin an SSO login: keep its state/nonce/PKCE verifier in the database and return the
    provider URL to redirect the browser to."""
    await rate_limits.enforce(
        session,
        Limit("registration-sso-start", settings.rate_limit_sso_starts_per_ip_per_minute, 60),
        origin.ip or "unknown",
        "Trop de demandes de connexion depuis cette adresse. Patientez une minute.",
    )
    request = await provider.start_authorization()
    now = utcnow()
    await repository.purge_expired_sso_authorizations(session, now)
    pending = request.pending
    authorization = SsoAuthorization(
        state_hash=hash_token(pending.state),
        issuer=pending.issuer,
        redirect_uri=pending.redirect_uri,
        nonce=pending.nonce,
        code_verifier=pending.code_verifier,
        requester_ip=origin.ip,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.sso_authorization_ttl_seconds),
    )
    session.add(authorization)
    await session.flush()
    await audit.record_as(
        session,
        "registration.sso_started",
        author=ANONYMOUS,
        origin=origin,
        target_type="sso_authorization",
        target_id=authorization.id,
        data={"issuer": pending.issuer},
    )
    return request.url


async def finish_sso(
    session: AsyncSession,
    settings: Settings,
    provider: IdentityProvider,
    registry: CompanyRegistry,
    origin: RequestOrigin,
    callback: Mapping[str, str],
) -> str:
    """Complete the SSO login and open a registration; returns the SPA page URL carrying the
    registration secret (shown this once)."""
    pending = await repository.take_sso_authorization(
        session, hash_token(callback.get("state") or "")
    )
    try:
        if pending is None or pending.expires_at <= utcnow():
            raise SsoBadState()
        identity = await provider.finish_authorization(
            PendingAuthorization(
                issuer=pending.issuer,
                redirect_uri=pending.redirect_uri,
                state=callback["state"],
                nonce=pending.nonce,
                code_verifier=pending.code_verifier,
            ),
            callback,
        )
    except SsoError as refusal:
        # SsoError keeps its changes: the consumed state and this event are committed.
        await audit.record_as(
            session,
            "registration.sso_refused",
            author=ANONYMOUS,
            origin=origin,
            data={"code": refusal.code, "detail": refusal.detail},
        )
        raise
    company_details = None
    if identity.siren is not None:
        company_details = await _registrable_firm(session, registry, identity.siren, identity)
    owner = await _owner_for(session, identity)
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=owner.id,
        workspace_id=None,
        purpose=EnrollmentPurpose.FIRM_OWNER,
    )
    secret = new_token(REGISTRATION_SECRET_PREFIX)
    now = utcnow()
    registration = FirmRegistration(
        id=uuid.uuid4(),
        secret_hash=hash_token(secret),
        status=RegistrationStatus.AWAITING_SIREN
        if identity.siren is None
        else RegistrationStatus.AWAITING_IDENTITY,
        sso_issuer=identity.issuer,
        sso_subject=identity.subject,
        given_name=identity.given_name,
        family_name=identity.family_name,
        email=identity.email,
        siren=identity.siren,
        siren_from_sso=identity.siren is not None,
        user_id=owner.id,
        enrollment_token_id=enrollment.record.id,
        sealed_enrollment_token=seal_with_secret(
            secret, enrollment.token, purpose=ENROLLMENT_SEAL_PURPOSE
        ),
        created_at=now,
        expires_at=now + timedelta(hours=settings.registration_ttl_hours),
    )
    if company_details is not None:
        _describe_firm(registration, company_details)
    session.add(registration)
    await session.flush()
    await audit.record_as(
        session,
        "registration.sso_completed",
        author=Author.registrant(owner.id),
        origin=origin,
        target_type="firm_registration",
        target_id=registration.id,
        data={
            "issuer": identity.issuer,
            "subject": identity.subject,
            "email": identity.email,
            "siren": identity.siren,
        },
    )
    return registration_page_url(settings, secret)


async def _owner_for(session: AsyncSession, identity: SsoIdentity) -> User:
    """The user the SSO identity becomes: an existing account with that e-mail, or a new one.

    Reusing an account gives the new device access to its other workspaces, so it requires an
    e-mail the provider vouches for (the same proof an e-mailed invitation link relies on).
    """
    existing = await repository.user_by_email(session, identity.email)
    if existing is None:
        user = User(
            id=uuid.uuid4(),
            email=identity.email.lower(),
            first_name=identity.given_name[:100],
            last_name=identity.family_name[:100],
        )
        session.add(user)
        await session.flush()
        return user
    if not identity.email_verified or existing.deleted_at is not None:
        raise SsoEmailUnverified(
            "Un compte Comptoir utilise déjà cette adresse : votre fournisseur d'identité doit "
            "l'avoir vérifiée pour que l'inscription s'y rattache."
        )
    return existing


# --- 2. the registration page ------------------------------------------------------------


async def view(session: AsyncSession, settings: Settings, secret: str) -> RegistrationView:
    """What the registration page shows: names, SIREN, the enrollment QR, the next step."""
    registration = await _by_secret(session, secret)
    enrollment_status, link = await _enrollment_of(session, settings, registration, secret)
    device_enrolled = enrollment_status == "used"
    status: RegistrationState
    next_step: NextStep
    if registration.status is RegistrationStatus.COMPLETED:
        status, next_step = "completed", "open_device_session"
    elif registration.expires_at <= utcnow():
        status, next_step = "expired", "restart"
    elif registration.status is RegistrationStatus.AWAITING_SIREN:
        status, next_step = "awaiting_siren", "provide_siren"
    elif device_enrolled:
        status, next_step = "awaiting_identity", "verify_identity"
    elif enrollment_status == "valid":
        status, next_step = "awaiting_identity", "enroll_device"
    else:
        status, next_step = "awaiting_identity", "restart"
    return RegistrationView(
        registration=registration,
        status=status,
        next_step=next_step,
        device_enrolled=device_enrolled,
        enrollment=link if enrollment_status == "valid" and status != "expired" else None,
    )


async def set_siren(
    session: AsyncSession,
    settings: Settings,
    registry: CompanyRegistry,
    origin: RequestOrigin,
    secret: str,
    siren: str,
) -> RegistrationView:
    """Give the firm's SIREN when the SSO did not: a valid, open company, not yet a firm."""
    registration = await _open_registration(session, secret)
    if registration.siren_from_sso:
        raise SirenFromSso()
    compact = str(siren_number.compact(siren))
    details = await _registrable_firm(session, registry, compact, registration)
    registration.siren = compact
    _describe_firm(registration, details)
    registration.status = RegistrationStatus.AWAITING_IDENTITY
    await session.flush()
    await audit.record_as(
        session,
        "registration.siren_provided",
        author=Author.registrant(registration.user_id),
        origin=origin,
        target_type="firm_registration",
        target_id=registration.id,
        data={"siren": compact, "firm_name": details.name},
    )
    return await view(session, settings, secret)


async def _registrable_firm(
    session: AsyncSession,
    registry: CompanyRegistry,
    siren: str,
    person: SsoIdentity | FirmRegistration,
) -> FirmDetails:
    await firms_service.ensure_siren_is_free(session, siren)
    company = await registry.get_by_siren(siren)
    if company is None:
        raise CompanyNotFound(f"Vérifiez le SIREN {siren}.")
    if company.is_closed:
        raise CompanyClosed(f"L'entreprise {siren} est cessée : elle ne peut pas être inscrite.")
    return FirmDetails(
        # A non-diffusible unit has no public name: the firm is named after its owner.
        name=company.legal_name or f"Cabinet {person.given_name} {person.family_name}",
        siren=siren,
        siret=company.head_office_siret,
        address_line=company.address,
        postal_code=company.postal_code,
        city=company.city,
    )


def _describe_firm(registration: FirmRegistration, details: FirmDetails) -> None:
    registration.firm_name = details.name[:200]
    registration.siret = details.siret
    registration.address_line = details.address_line
    registration.postal_code = details.postal_code
    registration.city = details.city


def _firm_details(registration: FirmRegistration) -> FirmDetails:
    assert registration.siren is not None
    assert registration.firm_name is not None
    return FirmDetails(
        name=registration.firm_name,
        siren=registration.siren,
        siret=registration.siret,
        address_line=registration.address_line,
        postal_code=registration.postal_code,
        city=registration.city,
    )


async def _by_secret(session: AsyncSession, secret: str) -> FirmRegistration:
    registration = await repository.registration_by_secret_hash(session, hash_token(secret))
    if registration is None:
        raise RegistrationNotFound()
    return registration


async def _open_registration(session: AsyncSession, secret: str) -> FirmRegistration:
    registration = await _by_secret(session, secret)
    _require_open(registration)
    return registration


def _require_open(registration: FirmRegistration) -> None:
    if registration.status is RegistrationStatus.COMPLETED:
        raise RegistrationCompleted()
    if registration.expires_at <= utcnow():
        raise RegistrationExpired()


async def _enrollment_of(
    session: AsyncSession, settings: Settings, registration: FirmRegistration, secret: str
) -> tuple[str, EnrollmentLink | None]:
    if registration.sealed_enrollment_token is None:
        return "revoked", None
    token = open_sealed(
        secret, registration.sealed_enrollment_token, purpose=ENROLLMENT_SEAL_PURPOSE
    )
    preview = await enrollments.inspect(session, token)
    link = EnrollmentLink(
        url=enrollments.enrollment_url(settings, token), expires_at=preview.token.expires_at
    )
    return preview.status, link


# --- 3. identity, then the firm ------------------------------------------------------------


async def verify_identity(
    session: AsyncSession,
    settings: Settings,
    verifier: IdentityVerifier,
    blobs: BlobStorage,
    actor: Actor,
    *,
    mrz_lines: list[str],
    document_image: str | None,
) -> VerifiedRegistration:
    """Check the owner's identity document against the SSO identity, from the device enrolled
    with the registration's link; on success create the firm with its owner active."""
    registration = await _registration_of_device(session, actor.principal)
    _require_open(registration)
    if registration.siren is None:
        raise RegistrationSirenMissing()
    await firms_service.ensure_siren_is_free(session, registration.siren)
    await rate_limits.enforce(
        session,
        Limit("registration-identity", settings.rate_limit_identity_attempts_per_hour, 3600),
        str(registration.id),
        "Trop de tentatives de vérification d'identité. Réessayez dans une heure.",
    )
    image = _decode_image(document_image, settings.identity_image_max_bytes)
    lines = [line.strip().upper().replace(" ", "") for line in mrz_lines]
    result = await verifier.verify(
        IdentityDocument(mrz_lines=lines, document_bytes=image[0] if image else None),
        HolderName(given_names=registration.given_name, family_name=registration.family_name),
    )
    image_key = None
    if image is not None:
        stored = await blobs.put(_chunks(image[0]), max_size=settings.identity_image_max_bytes)
        image_key = stored.key
    assert actor.principal.user_id is not None
    evidence = IdentityVerification(
        id=uuid.uuid4(),
        registration_id=registration.id,
        user_id=actor.principal.user_id,
        device_id=actor.principal.device_id,
        status=result.status.value,
        reason=result.reason.value if result.reason else None,
        verifier=result.verifier,
        document_format=result.fields.document_format.value if result.fields else None,
        document_fields=_evidence_fields(result.fields),
        expiry_date=result.fields.expiry_date if result.fields else None,
        mrz_sha256=hashlib.sha256("\n".join(lines).encode("ascii", "replace")).hexdigest(),
        document_sha256=result.document_sha256,
        image_blob_key=image_key,
        image_media_type=image[1] if image else None,
        attempt=await repository.identity_attempts(session, registration.id) + 1,
        ip=actor.origin.ip,
        user_agent=actor.origin.user_agent,
        checked_at=result.checked_at,
    )
    session.add(evidence)
    await session.flush()
    author = (
        Author.device(actor.principal.user_id, actor.principal.device_id)
        if actor.principal.device_id
        else ANONYMOUS
    )
    event = {
        "verification_id": str(evidence.id),
        "verifier": result.verifier,
        "document_sha256": result.document_sha256,
        "attempt": evidence.attempt,
    }
    if not result.verified:
        assert result.reason is not None
        await audit.record_as(
            session,
            "registration.identity_rejected",
            author=author,
            origin=actor.origin,
            target_type="firm_registration",
            target_id=registration.id,
            data=event | {"reason": result.reason.value},
        )
        raise IdentityRejected(
            result.message,
            extra={"reason": result.reason.value, "verification_id": str(evidence.id)},
        )
    await audit.record_as(
        session,
        "registration.identity_verified",
        author=author,
        origin=actor.origin,
        target_type="firm_registration",
        target_id=registration.id,
        data=event,
    )
    owner = await session.get(User, registration.user_id)
    assert owner is not None
    firm = await firms_service.create_firm_for_verified_owner(
        session, _firm_details(registration), owner, author=author, origin=actor.origin
    )
    registration.status = RegistrationStatus.COMPLETED
    registration.firm_id = firm.id
    registration.completed_at = utcnow()
    # The enrollment link is spent; nothing left to show again.
    registration.sealed_enrollment_token = None
    await session.flush()
    return VerifiedRegistration(evidence, result, firm)


async def _registration_of_device(session: AsyncSession, principal: Principal) -> FirmRegistration:
    # Only the app enrolled with the registration's own link may prove the owner's identity.
    if principal.kind is not PrincipalKind.DEVICE or principal.device_id is None:
        raise RegistrationNotFound("Cette étape se fait depuis l'application mobile enrôlée.")
    registration = await repository.registration_enrolled_by(session, principal.device_id)
    if registration is None or registration.user_id != principal.user_id:
        raise RegistrationNotFound("Cet appareil n'a pas été enrôlé avec un lien d'inscription.")
    return registration


def _decode_image(encoded: str | None, max_bytes: int) -> tuple[bytes, str] | None:
    if encoded is None:
        return None
    if len(encoded) > (max_bytes + 2) // 3 * 4 + 4:
        raise IdentityImageRefused(f"La photo dépasse {max_bytes // (1024 * 1024)} Mo.")
    try:
        image = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise IdentityImageRefused("La photo doit être encodée en base64.") from exc
    if len(image) > max_bytes:
        raise IdentityImageRefused(f"La photo dépasse {max_bytes // (1024 * 1024)} Mo.")
    sniffed = sniff(image[:8192])
    if sniffed.media_type not in ACCEPTED_IMAGE_TYPES:
        raise IdentityImageRefused(
            f"Format non accepté ({sniffed.label}) : envoyez une photo JPEG, PNG, HEIC ou WebP."
        )
    return image, sniffed.media_type


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _evidence_fields(fields: MrzFields | None) -> dict[str, Any]:
    """What the decision rests on, without the optional data (a French card's personal
    number) nor the raw MRZ."""
    if fields is None:
        return {}
    return {
        "document_code": fields.document_code,
        "issuing_state": fields.issuing_state,
        "document_number": fields.document_number,
        "nationality": fields.nationality,
        "surname": fields.surname,
        "given_names": list(fields.given_names),
        "birth_date": fields.birth_date.isoformat() if fields.birth_date else None,
        "sex": fields.sex,
        "expiry_date": fields.expiry_date.isoformat(),
    }
