"""Validation of e-invoices (CII, UBL, Factur-X) and lifecycle messages (CDAR) against the XML
schemas and the pinned EN 16931 and French (BR-FR) rules; CDAR status messages.

A module of its own: it imports no other domain. The flows worker calls
`Engine().validate(content, declared_syntax=...)` in a thread and stores the `Report`; the
documents index uploads with `read_facts(content)` (the same refusals and facts, no rule). This
package is the one reader of e-invoice XML: nothing else of `api` imports an XML parser.
"""

from api.validation.engine import Engine, shared_engine
from api.validation.facts import read_facts
from api.validation.ppf_copy import ppf_copy
from api.validation.rules import RULES_RELEASE
from api.validation.status_message import (
    PPF,
    LifecycleStatus,
    PartyRole,
    ReceivedStatus,
    StatusCharacteristic,
    StatusCode,
    StatusParty,
    StatusReason,
    build_status_message,
    cdar_stamp,
    read_status_message,
    rejection_reasons,
)
from api.validation.types import (
    Finding,
    InvoiceFacts,
    RefusalCode,
    Refused,
    Report,
    Stage,
    Syntax,
)

__all__ = [
    "PPF",
    "RULES_RELEASE",
    "Engine",
    "Finding",
    "InvoiceFacts",
    "LifecycleStatus",
    "PartyRole",
    "ReceivedStatus",
    "RefusalCode",
    "Refused",
    "Report",
    "Stage",
    "StatusCharacteristic",
    "StatusCode",
    "StatusParty",
    "StatusReason",
    "Syntax",
    "build_status_message",
    "cdar_stamp",
    "ppf_copy",
    "read_facts",
    "read_status_message",
    "rejection_reasons",
    "shared_engine",
]
