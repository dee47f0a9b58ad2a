"""Every AS4 user message this access point received over Peppol, by its ebMS message id
(unique): the record that makes a second copy of a message — a retry whose receipt was lost, or
a replay — recognisable, so that it is answered EBMS:0004 « duplicate » and never delivered
twice (AS4 duplicate elimination; docs/peppol.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class PeppolMessage(IdMixin, Base):
    __tablename__ = "peppol_messages"

    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    # The sending access point (its certificate's common name, checked against the trust file).
    sending_party: Mapped[str] = mapped_column(String(100))
    # The SBDH's participants (`0225:…`) and document type.
    sender: Mapped[str] = mapped_column(String(250))
    recipient: Mapped[str] = mapped_column(String(250))
    document_type: Mapped[str] = mapped_column(String(500))
    # The flow it became (the recipient's incoming flow).
    flow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("flows.id", ondelete="SET NULL"), default=None
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
