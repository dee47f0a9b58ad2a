"""A readable view of an XML flow (`docType=ReadableView`): a small self-contained HTML page of
what the validation read from the invoice and what it found. A Factur-X is its own readable
view (its PDF). Every value is escaped: the invoice's text is the depositor's."""

from __future__ import annotations

from html import escape
from typing import Any

from api.core.invoice_statuses import Status
from api.models.flow import Flow

_FACTS = [
    ("number", "Numéro"),
    ("type_code", "Type (BT-3)"),
    ("issue_date", "Date d'émission"),
    ("due_date", "Échéance"),
    ("seller_name", "Vendeur"),
    ("seller_siren", "SIREN du vendeur"),
    ("buyer_name", "Acheteur"),
    ("buyer_siren", "SIREN de l'acheteur"),
    ("total_without_vat", "Total HT"),
    ("total_vat", "TVA"),
    ("total_with_vat", "Total TTC"),
    ("currency", "Devise"),
]


def _row(label: str, value: Any) -> str:
    return f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"


def _status_label(flow: Flow) -> str:
    """The invoice's lifecycle status as the screens name it (any of the catalogue's), or the
    flow's acknowledgement while it has none (being checked)."""
    if flow.lifecycle_status:
        try:
            return f"{Status(str(flow.lifecycle_status)).label} ({flow.lifecycle_status})"
        except ValueError:  # a code the catalogue does not know (a newer release's)
            return str(flow.lifecycle_status)
    return flow.ack_status.value


def readable_html(flow: Flow) -> bytes:
    facts = flow.facts or {}
    status = _status_label(flow)
    rows = "".join(_row(label, facts[name]) for name, label in _FACTS if facts.get(name))
    findings = "".join(
        f"<li><strong>{escape(str(finding['rule_id']))}</strong>"
        f"{' (bloquante)' if finding['fatal'] else ' (avertissement)'} : "
        f"{escape(str(finding['message']))}</li>"
        for finding in flow.findings or []
    )
    page = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(flow.name)}</title>
<style>body{{font-family:sans-serif;margin:2rem}}th{{text-align:left;padding-right:1rem}}</style>
</head><body>
<h1>{escape(flow.name)}</h1>
<p>Flux {escape(str(flow.id))} — syntaxe {escape(flow.syntax)} — statut : {escape(status)}</p>
<table>{rows}</table>
<h2>Contrôles (règles {escape(flow.rules_release or "non exécutées")})</h2>
<ul>{findings or "<li>Aucune anomalie.</li>"}</ul>
</body></html>
"""
    return page.encode("utf-8")
