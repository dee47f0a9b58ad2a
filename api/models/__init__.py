"""ORM models, one module per entity. Importing this package registers every table on
`Base.metadata` (Alembic's autogenerate and the tests rely on it)."""

from api.core.models import Base
from api.models.audit_event import AuditChainHead, AuditEvent
from api.models.auth_session import AuthSession, RefreshToken, SessionKind
from api.models.device import Device
from api.models.document import Document, DocumentSource, DocumentType
from api.models.enrollment_token import EnrollmentPurpose, EnrollmentToken
from api.models.folder import Folder
from api.models.login_challenge import ChallengeStatus, DeviceNonce, LoginChallenge
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.models.rate_limit import RateLimitWindow
from api.models.signing_key import SigningKey
from api.models.sirene import (
    CompanyRegistryCacheEntry,
    CompanyRegistryRateSlot,
    SireneEstablishment,
    SireneUnit,
)
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "ChallengeStatus",
    "CompanyRegistryCacheEntry",
    "CompanyRegistryRateSlot",
    "Device",
    "DeviceNonce",
    "Document",
    "DocumentSource",
    "DocumentType",
    "EnrollmentPurpose",
    "EnrollmentToken",
    "Folder",
    "LoginChallenge",
    "Membership",
    "MembershipStatus",
    "OutboxMessage",
    "OutboxStatus",
    "RateLimitWindow",
    "RefreshToken",
    "SessionKind",
    "SigningKey",
    "SireneEstablishment",
    "SireneUnit",
    "User",
    "Workspace",
    "WorkspaceKind",
]
