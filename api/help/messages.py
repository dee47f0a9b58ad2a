"""The mails of the help centre, in French, as plain text and HTML."""

from __future__ import annotations

from email.utils import formataddr
from html import escape

from api.adapters.mail import MailMessage
from api.models.help import SupportRequest


def _html(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        '<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">'
        f"{body}</body></html>"
    )


def support_request_mail(
    *, to: str, request: SupportRequest, user_name: str, workspace_name: str | None
) -> MailMessage:
    """To the support team: the message with everything needed to reproduce the problem."""
    context = [
        ("Référence", request.reference),
        ("De", f"{user_name} <{request.email}>"),
        ("Espace de travail", workspace_name or "aucun (hors espace)"),
        ("Identifiant de l'espace", str(request.workspace_id or "—")),
        ("Écran", request.screen or "—"),
        ("Identifiant de requête", request.request_id or "—"),
        ("Navigateur", request.user_agent or "—"),
    ]
    subject = f"[{request.reference}] {request.subject}"
    text = (
        "Nouvelle demande de support.\n\n"
        + "".join(f"{label} : {value}\n" for label, value in context)
        + f"\nObjet : {request.subject}\n\n{request.message}\n"
    )
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{escape(label)}</th>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in context
    )
    html = _html(
        [
            "Nouvelle demande de support.",
            f"<table>{rows}</table>",
            f"<strong>Objet :</strong> {escape(request.subject)}",
            escape(request.message).replace("\n", "<br>"),
        ]
    )
    # « Répondre » in the support team's mail program answers the person who asked.
    return MailMessage(
        to=to,
        subject=subject,
        text=text,
        html=html,
        reply_to=formataddr((user_name, request.email)),
    )


def acknowledgement_mail(
    *, request: SupportRequest, first_name: str, response_time: str, support_email: str
) -> MailMessage:
    """To the user: we have it, here is its reference and when to expect an answer."""
    subject = f"Votre demande {request.reference} a bien été reçue"
    text = (
        f"Bonjour {first_name},\n\n"
        f"Nous avons bien reçu votre demande « {request.subject} » "
        f"(référence {request.reference}).\n"
        f"L'équipe support vous répondra {response_time}, à cette adresse.\n\n"
        "Pour compléter votre demande, répondez en rappelant sa référence, ou écrivez à "
        f"{support_email}.\n\n"
        "Votre message :\n"
        f"{request.message}\n\n"
        "— L'assistance Comptoir\n"
    )
    html = _html(
        [
            f"Bonjour {escape(first_name)},",
            f"Nous avons bien reçu votre demande « {escape(request.subject)} » "
            f"(référence <strong>{escape(request.reference)}</strong>).",
            f"L'équipe support vous répondra {escape(response_time)}, à cette adresse.",
            "Pour compléter votre demande, répondez en rappelant sa référence, ou écrivez à "
            f'<a href="mailto:{escape(support_email)}">{escape(support_email)}</a>.',
            "Votre message :<br>" + escape(request.message).replace("\n", "<br>"),
            "— L'assistance Comptoir",
        ]
    )
    # The mail comes from a no-reply address; the text asks to answer it: Reply-To: support.
    return MailMessage(
        to=request.email, subject=subject, text=text, html=html, reply_to=support_email
    )
