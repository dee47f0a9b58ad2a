"""The mails of the members domain, in French, as plain text and HTML."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.adapters.mail import MailMessage
from api.core.authz import ROLE_LABELS_FR, Role
from api.core.input import one_line

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _paris() -> tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # a minimal image without tzdata: say UTC rather than lie
        return UTC


def french_datetime(moment: datetime) -> str:
    """`4 décembre 2026 à 13 h 00` in Paris time (the firm's users read French time)."""
    zone = _paris()
    local = moment.astimezone(zone)
    suffix = "" if zone is not UTC else " (UTC)"
    return (
        f"{local.day} {MONTHS_FR[local.month - 1]} {local.year} à "
        f"{local.hour} h {local.minute:02d}{suffix}"
    )


def roles_in_french(roles: frozenset[Role]) -> str:
    order = [Role.OWNER, Role.ADMIN, Role.CLIENT_MANAGER, Role.ACCOUNTANT, Role.COMPANY_USER]
    return ", ".join(ROLE_LABELS_FR[role] for role in order if role in roles)


def invitation_mail(
    *,
    to: str,
    first_name: str,
    inviter_name: str,
    firm_name: str,
    roles: frozenset[Role],
    url: str,
    expires_at: datetime,
    reminder: bool = False,
) -> MailMessage:
    # Names come from the database: one line each, whatever was stored before the input policy.
    first_name, inviter_name, firm_name = map(one_line, (first_name, inviter_name, firm_name))
    subject = f"{inviter_name} vous invite à rejoindre {firm_name} sur Comptoir"
    if reminder:
        subject = f"Nouveau lien : {subject[0].lower()}{subject[1:]}"
    expiry = french_datetime(expires_at)
    role_text = roles_in_french(roles)
    text = (
        f"Bonjour {first_name},\n\n"
        f"{inviter_name} vous invite à rejoindre le cabinet « {firm_name} » sur Comptoir, "
        f"avec le rôle : {role_text}.\n\n"
        "Comptoir ne demande pas de mot de passe : vous vous connectez en approuvant un code "
        "QR avec votre téléphone. Ouvrez ce lien pour enrôler votre téléphone (l'enregistrer "
        "comme clé de connexion) :\n\n"
        f"{url}\n\n"
        f"Ce lien ne sert qu'une fois et expire le {expiry}.\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message : sans ce lien, "
        "aucun compte ne peut être utilisé.\n\n"
        "— Comptoir\n"
    )
    html = (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>Bonjour {escape(first_name)},</p>"
        f"<p><strong>{escape(inviter_name)}</strong> vous invite à rejoindre le cabinet "
        f"<strong>{escape(firm_name)}</strong> sur Comptoir, avec le rôle : "
        f"{escape(role_text)}.</p>"
        "<p>Comptoir ne demande pas de mot de passe : vous vous connectez en approuvant un "
        "code QR avec votre téléphone.</p>"
        f'<p><a href="{escape(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        'background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px">'
        "Enrôler mon téléphone</a></p>"
        f"<p>Ce lien ne sert qu'une fois et expire le {escape(expiry)}.</p>"
        '<p style="color:#555">Si vous n\'attendiez pas cette invitation, ignorez ce message : '
        "sans ce lien, aucun compte ne peut être utilisé.</p>"
        "<p>— Comptoir</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html)
