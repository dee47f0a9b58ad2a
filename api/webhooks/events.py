"""The events a webhook receiver may subscribe to: one enum, used at every `publish` and in
the subscription schemas (docs/integrations.md lists what each one carries)."""

from __future__ import annotations

from enum import StrEnum


class WebhookEvent(StrEnum):
    CLIENT_CREATED = "client.created"
    CLIENT_INVITED = "client.invited"
    CLIENT_ACTIVATED = "client.activated"
    EINVOICING_REGISTERED = "einvoicing.registered"
    EINVOICING_FAILED = "einvoicing.failed"
    DOCUMENT_CREATED = "document.created"
    MEMBER_INVITED = "member.invited"
    MEMBER_ACTIVATED = "member.activated"
    # Every lifecycle status of an invoice (api.lifecycle): its code, label, side and reason.
    INVOICE_STATUS_CHANGED = "invoice.status_changed"
