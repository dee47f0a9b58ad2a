"""ORM models, one module per entity. Importing this package registers every table on
`Base.metadata` (Alembic's autogenerate and the tests rely on it)."""

from api.core.models import Base
from api.models.api_key import ApiKey
from api.models.audit_event import AuditChainHead, AuditEvent
from api.models.auth_session import AuthSession, RefreshToken, SessionKind
from api.models.client import (
    Client,
    ClientAssignment,
    ClientImport,
    ClientImportOutcome,
    ClientImportRow,
    ClientImportStatus,
    ClientStatus,
    ClientSubscription,
    ClientSubscriptionChange,
    PaStatus,
    Payer,
    SubscriptionStatus,
)
from api.models.device import Device
from api.models.directory_line import DirectoryLineRecord
from api.models.document import Document, DocumentSource, DocumentType
from api.models.enrollment_token import EnrollmentPurpose, EnrollmentToken
from api.models.flow import (
    AckStatus,
    Flow,
    FlowDirection,
    FlowWebhook,
    PpfCopyStatus,
    PpfStatusCopy,
)
from api.models.folder import Folder
from api.models.help import HelpArticleFeedback, HelpTourProgress, SupportRequest
from api.models.invoice_route import InvoiceRoute, RouteKind
from api.models.lifecycle import InvoiceStatusEntry
from api.models.login_challenge import ChallengeStatus, DeviceNonce, LoginChallenge
from api.models.mandate_request import (
    ClientReadiness,
    CompanyCategory,
    MandateRequest,
    MandateRequestStatus,
    MandateStage,
    ReadinessCount,
    VatRegime,
)
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.models.pa_designation import EinvoicingBulkJob, MandateCertification, PaDesignation
from api.models.peppol_message import PeppolMessage
from api.models.rate_limit import RateLimitWindow
from api.models.registration import (
    FirmRegistration,
    IdentityVerification,
    RegistrationStatus,
    SsoAuthorization,
)
from api.models.signing_key import SigningKey
from api.models.sirene import (
    CompanyRegistryCacheEntry,
    CompanyRegistryRateSlot,
    SireneEstablishment,
    SireneUnit,
)
from api.models.software_token import SoftwareAccessToken
from api.models.user import User
from api.models.webhook import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.models.workspace import Workspace, WorkspaceKind

__all__ = [
    "AckStatus",
    "ApiKey",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "ChallengeStatus",
    "Client",
    "ClientAssignment",
    "ClientImport",
    "ClientImportOutcome",
    "ClientImportRow",
    "ClientImportStatus",
    "ClientReadiness",
    "ClientStatus",
    "ClientSubscription",
    "ClientSubscriptionChange",
    "CompanyCategory",
    "CompanyRegistryCacheEntry",
    "CompanyRegistryRateSlot",
    "DeliveryStatus",
    "Device",
    "DeviceNonce",
    "DirectoryLineRecord",
    "Document",
    "DocumentSource",
    "DocumentType",
    "EinvoicingBulkJob",
    "EnrollmentPurpose",
    "EnrollmentToken",
    "FirmRegistration",
    "Flow",
    "FlowDirection",
    "FlowWebhook",
    "Folder",
    "HelpArticleFeedback",
    "HelpTourProgress",
    "IdentityVerification",
    "InvoiceRoute",
    "InvoiceStatusEntry",
    "LoginChallenge",
    "MandateCertification",
    "MandateRequest",
    "MandateRequestStatus",
    "MandateStage",
    "Membership",
    "MembershipStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PaDesignation",
    "PaStatus",
    "Payer",
    "PeppolMessage",
    "PpfCopyStatus",
    "PpfStatusCopy",
    "RateLimitWindow",
    "ReadinessCount",
    "RefreshToken",
    "RegistrationStatus",
    "RouteKind",
    "SessionKind",
    "SigningKey",
    "SireneEstablishment",
    "SireneUnit",
    "SoftwareAccessToken",
    "SsoAuthorization",
    "SubscriptionStatus",
    "SupportRequest",
    "User",
    "VatRegime",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Workspace",
    "WorkspaceKind",
]
