"""The mails of the client lifecycle, in French, as plain text and HTML."""

from __future__ import annotations

from datetime import datetime
from html import escape

from api.adapters.mail import MailMessage
from api.core.input import one_line
from api.members.messages import french_datetime


def client_invitation_mail(
    *,
    to: str,
    first_name: str | None,
    firm_name: str,
    company_name: str,
    url: str,
    expires_at: datetime,
    reminder: bool,
) -> MailMessage:
    """The contact's activation link: enrolling a phone opens the company's space."""
    # Names come from the database or the registry: one line each, whatever was stored.
    firm_name, company_name = one_line(firm_name), one_line(company_name)
    first_name = one_line(first_name) if first_name else None
    subject = f"{firm_name} vous invite à activer l'espace de {company_name} sur Comptoir"
    if reminder:
        subject = f"Rappel : {subject[0].lower()}{subject[1:]}"
    greeting = f"Bonjour {first_name}," if first_name else "Bonjour,"
    expiry = french_datetime(expires_at)
    reminder_text = (
        "Ce message remplace l'invitation précédente : son lien ne fonctionne plus.\n\n"
        if reminder
        else ""
    )
    text = (
        f"{greeting}\n\n"
        f"Votre cabinet comptable « {firm_name} » vous invite à activer l'espace de "
        f"l'entreprise « {company_name} » sur Comptoir : vous y recevrez vos factures "
        "électroniques et échangerez vos documents avec le cabinet.\n\n"
        "Comptoir ne demande pas de mot de passe : vous vous connectez en approuvant un code "
        "QR avec votre téléphone. Ouvrez ce lien pour enrôler votre téléphone (l'enregistrer "
        "comme clé de connexion) :\n\n"
        f"{url}\n\n"
        f"Ce lien ne sert qu'une fois et expire le {expiry}.\n"
        f"{reminder_text}"
        "Si vous n'attendiez pas cette invitation, ignorez ce message : sans ce lien, "
        "aucun compte ne peut être utilisé.\n\n"
        "— Comptoir\n"
    )
    html = (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>{escape(greeting)}</p>"
        f"<p>Votre cabinet comptable <strong>{escape(firm_name)}</strong> vous invite à "
        f"activer l'espace de l'entreprise <strong>{escape(company_name)}</strong> sur "
        "Comptoir : vous y recevrez vos factures électroniques et échangerez vos documents "
        "avec le cabinet.</p>"
        "<p>Comptoir ne demande pas de mot de passe : vous vous connectez en approuvant un "
        "code QR avec votre téléphone.</p>"
        f'<p><a href="{escape(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        'background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px">'
        "Enrôler mon téléphone</a></p>"
        f"<p>Ce lien ne sert qu'une fois et expire le {escape(expiry)}.</p>"
        + (f"<p>{escape(reminder_text.strip())}</p>" if reminder else "")
        + '<p style="color:#555">Si vous n\'attendiez pas cette invitation, ignorez ce message : '
        "sans ce lien, aucun compte ne peut être utilisé.</p>"
        "<p>— Comptoir</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html)
