"""The status catalogue lives in `api.core.invoice_statuses` (a leaf both the flows and the
lifecycle read: the flows' readable view names every status). Its names, for the modules that
import them from the lifecycle."""

from api.core.invoice_statuses import (
    ALLOWED_AFTER,
    CATALOGUE,
    FINAL,
    PROCESSING,
    REASON_LABELS,
    REASONS_OF,
    SIDE_LABELS_FR,
    TRANSMISSION,
    Side,
    Status,
    StatusInfo,
    reasons_for,
)

__all__ = [
    "ALLOWED_AFTER",
    "CATALOGUE",
    "FINAL",
    "PROCESSING",
    "REASONS_OF",
    "REASON_LABELS",
    "SIDE_LABELS_FR",
    "TRANSMISSION",
    "Side",
    "Status",
    "StatusInfo",
    "reasons_for",
]
