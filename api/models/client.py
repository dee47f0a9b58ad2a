"""A firm's client: the link firm → company, its Comptables and its subscription."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, TimestampMixin, str_enum, utcnow


class ClientStatus(StrEnum):
    INVITED = "invited"  # Invité: created, the contact has not enrolled yet
    ACTIVE = "active"  # Actif: the company space exists with at least one user


class InvitationStatus(StrEnum):
    """Where the contact's invitation stands (derived, never stored: expiry is a matter of time)."""

    NOT_SENT = "not_sent"  # Invité, but no mail has gone out yet
    SENT = "sent"  # the latest link is still valid
    EXPIRED = "expired"  # the latest link expired unused: re-invite
    ACCEPTED = "accepted"  # Actif: the contact enrolled (or the firm itself, active at once)


def invitation_status(
    status: ClientStatus | str,
    invited_at: datetime | None,
    invitation_expires_at: datetime | None,
    now: datetime,
) -> InvitationStatus:
    if status == ClientStatus.ACTIVE:
        return InvitationStatus.ACCEPTED
    if invited_at is None:
        return InvitationStatus.NOT_SENT
    if invitation_expires_at is not None and invitation_expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.SENT


class PaStatus(StrEnum):
    """The client's e-invoicing designation in the national directory (Désignation PA)."""

    NOT_REGISTERED = "not_registered"
    PENDING = "pending"
    REGISTERED = "registered"
    ERROR = "error"
    DEREGISTERED = "deregistered"


class Payer(StrEnum):
    FIRM = "firm"  # the firm pays and re-invoices (or absorbs) the plan
    CLIENT = "client"


class SubscriptionStatus(StrEnum):
    TRIAL = "trial"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class Client(IdMixin, TimestampMixin, Base):
    """A company the firm works for. Unique per (firm, SIREN); the company's identity is copied
    from the registry when the client is added (the registry's name wins over typed names)."""

    __tablename__ = "clients"
    __table_args__ = (
        UniqueConstraint("firm_id", "siren"),
        # Keyset pagination: each sort is (firm, key, id), so a page is one index range scan.
        Index("ix_clients_firm_sort_name", "firm_id", "sort_name", "id"),
        Index("ix_clients_firm_created", "firm_id", "created_at", "id"),
        Index("ix_clients_firm_status", "firm_id", "status"),
        Index("ix_clients_firm_pa_status", "firm_id", "pa_status"),
        Index("ix_clients_firm_siret", "firm_id", "siret"),
        # Reminders: the invited clients whose last invitation is older than N days.
        Index("ix_clients_status_invited_at", "status", "invited_at"),
    )

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    company_workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="SET NULL")
    )
    siren: Mapped[str] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    legal_name: Mapped[str] = mapped_column(String(400))
    # Lower-case, accent-free words of the name, each preceded by a space (" garage martin"):
    # `LIKE '% word%'` finds a word start whatever the case, accents or word order.
    search_name: Mapped[str] = mapped_column(String(600))
    sort_name: Mapped[str] = mapped_column(String(400))
    address_line: Mapped[str | None] = mapped_column(String(400))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    vat_number: Mapped[str | None] = mapped_column(String(13))
    legal_form_code: Mapped[str | None] = mapped_column(String(4))
    legal_form_label: Mapped[str | None] = mapped_column(String(200))
    activity_code: Mapped[str | None] = mapped_column(String(8))
    is_firm_itself: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ClientStatus] = mapped_column(
        str_enum(ClientStatus, 16), default=ClientStatus.INVITED
    )
    pa_status: Mapped[PaStatus] = mapped_column(
        str_enum(PaStatus, 20), default=PaStatus.NOT_REGISTERED
    )
    contact_first_name: Mapped[str | None] = mapped_column(String(100))
    contact_last_name: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    # The contact's invitation: the company space is prepared at the first one
    # (`company_workspace_id`), each sending is a new single-use link (the previous one dies).
    invited_at: Mapped[datetime | None] = mapped_column(default=None)  # the latest sending
    invitation_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Sendings after the first (reminders and re-invitations).
    invitation_reminders: Mapped[int] = mapped_column(Integer, default=0)
    invited_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def invitation_status(self) -> InvitationStatus:
        return invitation_status(self.status, self.invited_at, self.invitation_expires_at, utcnow())


class ClientAssignment(IdMixin, Base):
    """A Comptable assigned to a client (Affectation): they see its documents."""

    __tablename__ = "client_assignments"
    __table_args__ = (
        UniqueConstraint("client_id", "user_id"),
        # A collaborator's clients, and the accountant's `readable` scope.
        Index("ix_client_assignments_firm_user", "firm_id", "user_id", "client_id"),
    )

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ClientSubscription(Base):
    """A client's current plan (one row per client); every change is kept in the history."""

    __tablename__ = "client_subscriptions"
    __table_args__ = (Index("ix_client_subscriptions_firm_plan", "firm_id", "plan_code"),)

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    plan_code: Mapped[str] = mapped_column(String(40))
    payer: Mapped[Payer] = mapped_column(str_enum(Payer, 16))
    status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus, 16))
    start_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ClientSubscriptionChange(IdMixin, Base):
    """One line of a client's subscription history (append-only)."""

    __tablename__ = "client_subscription_changes"
    __table_args__ = (Index("ix_client_subscription_changes_client", "client_id", "changed_at"),)

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    plan_code: Mapped[str] = mapped_column(String(40))
    payer: Mapped[Payer] = mapped_column(str_enum(Payer, 16))
    status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus, 16))
    start_date: Mapped[date] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ClientImportStatus(StrEnum):
    ANALYSED = "analysed"  # dry run done, waiting for the user's confirmation
    CONFIRMED = "confirmed"


class ClientImport(IdMixin, Base):
    """An uploaded client file between its dry run and its confirmation. Only the analysed
    rows are kept (never the file), one `ClientImportRow` each; they expire with
    `expires_at`. The counts are kept here so a report page never counts the rows."""

    __tablename__ = "client_imports"
    __table_args__ = (Index("ix_client_imports_firm_created", "firm_id", "created_at"),)

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    file_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[ClientImportStatus] = mapped_column(
        str_enum(ClientImportStatus, 16), default=ClientImportStatus.ANALYSED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Headers of the file that match no template column (shown with the report).
    unknown_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)
    unknown_count: Mapped[int] = mapped_column(Integer, default=0)


class ClientImportOutcome(StrEnum):
    """What confirming does with a row (after the confirmation: what it did)."""

    CREATED = "created"  # a new client (dry run: would be created)
    DUPLICATE = "duplicate"  # already a client, or the same company as an earlier row
    INVALID = "invalid"  # refused: identifier, e-mail, collaborator, closed company
    UNKNOWN = "unknown"  # not in the company registry


class ClientImportRow(Base):
    """One analysed row of an import: the report line, and for a row to create the client's
    columns as the dry run resolved them, so confirming needs neither the file nor the
    registry again."""

    __tablename__ = "client_import_rows"
    __table_args__ = (
        # The report filtered by outcome, and the confirmation's walk over the rows to create.
        Index("ix_client_import_rows_import_outcome", "import_id", "outcome", "row"),
        # "Same company as an earlier row": the rows of the import already holding a SIREN.
        Index("ix_client_import_rows_import_siren", "import_id", "siren"),
    )

    import_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_imports.id", ondelete="CASCADE"), primary_key=True
    )
    row: Mapped[int] = mapped_column(Integer, primary_key=True)  # the Excel row number
    outcome: Mapped[ClientImportOutcome] = mapped_column(str_enum(ClientImportOutcome, 16))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(200))  # in French, for the report
    siren: Mapped[str | None] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    legal_name: Mapped[str | None] = mapped_column(String(400))
    # The client to create (rows analysed as `created` only), as `Client` columns.
    search_name: Mapped[str | None] = mapped_column(String(600))
    sort_name: Mapped[str | None] = mapped_column(String(400))
    address_line: Mapped[str | None] = mapped_column(String(400))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    vat_number: Mapped[str | None] = mapped_column(String(13))
    legal_form_code: Mapped[str | None] = mapped_column(String(4))
    legal_form_label: Mapped[str | None] = mapped_column(String(200))
    activity_code: Mapped[str | None] = mapped_column(String(8))
    contact_first_name: Mapped[str | None] = mapped_column(String(100))
    contact_last_name: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    # Ids (as text) of the active Comptables to assign: [] when none.
    assignee_ids: Mapped[list[str] | None] = mapped_column(JSON)
