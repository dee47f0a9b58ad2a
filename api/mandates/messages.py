"""The mails of a mandate signature, in French, as plain text and HTML."""

from __future__ import annotations

from datetime import datetime
from html import escape

from api.adapters.mail import MailMessage
from api.members.messages import french_datetime


def _button(url: str, label: str) -> str:
    return (
        f'<p><a href="{escape(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        'background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px">'
        f"{escape(label)}</a></p>"
    )


def signature_request_mail(
    *,
    to: str,
    first_name: str | None,
    firm_name: str,
    company_name: str,
    url: str,
    expires_at: datetime,
    reminder: bool,
) -> MailMessage:
    """The representative's single-use link to read and sign the mandate."""
    subject = (
        f"{firm_name} vous demande de signer le mandat de facturation électronique "
        f"de {company_name}"
    )
    if reminder:
        subject = f"Rappel : {subject}"
    greeting = f"Bonjour {first_name}," if first_name else "Bonjour,"
    expiry = french_datetime(expires_at)
    replaced = (
        "Ce message remplace le précédent : son lien ne fonctionne plus.\n\n" if reminder else ""
    )
    text = (
        f"{greeting}\n\n"
        f"Votre cabinet comptable « {firm_name} » vous demande de signer le mandat qui "
        f"l'autorise à inscrire l'entreprise « {company_name} » à l'annuaire national de la "
        "facturation électronique, avec sa plateforme agréée.\n\n"
        "Lisez le mandat puis signez-le en ligne (un code de confirmation vous sera envoyé "
        "à cette adresse) :\n\n"
        f"{url}\n\n"
        f"Ce lien est personnel, ne sert qu'une fois et expire le {expiry}.\n"
        f"{replaced}"
        "Si vous n'êtes pas le représentant légal de l'entreprise, ne signez pas : vous pouvez "
        "refuser depuis la même page.\n\n"
        "— Comptoir\n"
    )
    html = (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>{escape(greeting)}</p>"
        f"<p>Votre cabinet comptable <strong>{escape(firm_name)}</strong> vous demande de "
        "signer le mandat qui l'autorise à inscrire l'entreprise "
        f"<strong>{escape(company_name)}</strong> à l'annuaire national de la facturation "
        "électronique, avec sa plateforme agréée.</p>"
        "<p>Lisez le mandat puis signez-le en ligne (un code de confirmation vous sera envoyé "
        "à cette adresse).</p>"
        + _button(url, "Lire et signer le mandat")
        + f"<p>Ce lien est personnel, ne sert qu'une fois et expire le {escape(expiry)}.</p>"
        + (f"<p>{escape(replaced.strip())}</p>" if reminder else "")
        + "<p style=\"color:#555\">Si vous n'êtes pas le représentant légal de l'entreprise, ne "
        "signez pas : vous pouvez refuser depuis la même page.</p>"
        "<p>— Comptoir</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html)


def signature_code_mail(*, to: str, company_name: str, code: str, minutes: int) -> MailMessage:
    """The one-time code that confirms the signature (proves the e-mail address)."""
    subject = f"Code de signature du mandat de {company_name} : {code}"
    text = (
        "Bonjour,\n\n"
        f"Votre code pour signer le mandat de facturation électronique de « {company_name} » "
        f"est :\n\n    {code}\n\n"
        f"Il est valable {minutes} minutes. Ne le communiquez à personne : ni le cabinet ni "
        "la plateforme ne vous le demanderont.\n\n— Comptoir\n"
    )
    html = (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        "<p>Bonjour,</p>"
        f"<p>Votre code pour signer le mandat de facturation électronique de "
        f"<strong>{escape(company_name)}</strong> est :</p>"
        f'<p style="font-size:24px;letter-spacing:4px"><strong>{escape(code)}</strong></p>'
        f"<p>Il est valable {minutes} minutes. Ne le communiquez à personne : ni le cabinet ni "
        "la plateforme ne vous le demanderont.</p><p>— Comptoir</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html)


def signed_mail(*, to: str, company_name: str, firm_name: str) -> MailMessage:
    """The signer's receipt."""
    subject = f"Mandat de {company_name} signé"
    text = (
        "Bonjour,\n\n"
        f"Vous avez signé le mandat de facturation électronique de « {company_name} ». "
        f"Le document scellé est conservé par votre cabinet « {firm_name} », qui peut vous "
        "en remettre une copie.\n\n— Comptoir\n"
    )
    html = (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>Bonjour,</p><p>Vous avez signé le mandat de facturation électronique de "
        f"<strong>{escape(company_name)}</strong>. Le document scellé est conservé par votre "
        f"cabinet <strong>{escape(firm_name)}</strong>, qui peut vous en remettre une copie.</p>"
        "<p>— Comptoir</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html)
