"""What Comptoir exchanges on Peppol, as the SMP publishes it: the document types (scheme
`busdox-docid-qns`), the process they travel under, and the transport profile.

The document types and the process are the access point's own (`api.adapters.transport.peppol`,
decision 0007), imported from there: what we publish is what we send, named identically.
"""

from __future__ import annotations

from api.adapters.transport.peppol import (
    BILLING_PROCESS,
    CDAR_STATUS,
    CII_INVOICE,
    DOCID_SCHEME,
    DOCUMENT_TYPES,
    UBL_CREDIT_NOTE,
    UBL_INVOICE,
)

__all__ = [
    "AS4_TRANSPORT_PROFILE",
    "BILLING_PROCESS",
    "CDAR_STATUS",
    "CII_INVOICE",
    "DOCUMENT_SCHEME",
    "DOCUMENT_TYPES",
    "PARTICIPANT_SCHEME",
    "PROCESS_SCHEME",
    "UBL_CREDIT_NOTE",
    "UBL_INVOICE",
    "document_type_value",
    "served_document_type",
]

PARTICIPANT_SCHEME = "iso6523-actorid-upis"
DOCUMENT_SCHEME = DOCID_SCHEME
PROCESS_SCHEME = "cenbii-procid-ubl"
# Peppol AS4 profile 2.0 (the only transport Peppol allows since 2020).
AS4_TRANSPORT_PROFILE = "peppol-transport-as4-v2_0"


def document_type_value(text: str) -> str:
    """A document type identifier without its scheme (`busdox-docid-qns::` is optional)."""
    scheme, separator, value = text.partition("::")
    if separator and scheme.lower() == DOCUMENT_SCHEME:
        return value
    return text


def served_document_type(text: str) -> str | None:
    """The catalogue's spelling of `text` (with or without scheme), None if we do not take it.
    Document type identifiers compare case-sensitively (Peppol Policy for identifiers 3.x)."""
    value = document_type_value(text)
    return value if value in DOCUMENT_TYPES else None
