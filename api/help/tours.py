"""The guided tours: step-by-step walks over the real screens, played by the SPA.

A step names the page it happens on (`route`, a concrete address or `None` to stay where the
user is) and what it points at: `target`, the visible text of a button, link, tab, label or
heading of that page (the SPA finds it by its text, so a tour breaks loudly in
tests/help/test_articles.py when a label changes, never silently).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TourStep:
    title: str
    body: str
    route: str | None = None
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Tour:
    id: str
    title: str
    summary: str
    screens: tuple[str, ...]
    article: str  # the article that explains the same task
    steps: tuple[TourStep, ...]


TOURS: tuple[Tour, ...] = (
    Tour(
        id="import-clients",
        title="Importer des clients depuis Excel",
        summary="Le modèle, le dépôt du fichier, le rapport ligne par ligne, la confirmation.",
        screens=("/clients", "/clients/import"),
        article="importer-des-clients",
        steps=(
            TourStep(
                "Le point de départ",
                "Depuis la liste des clients, ce bouton ouvre l'import : une ligne Excel par "
                "client, créés en une fois.",
                route="/clients",
                target="Importer depuis Excel",
            ),
            TourStep(
                "1. Le modèle",
                "Téléchargez le modèle : il contient les colonnes attendues (SIREN ou SIRET, "
                "contact, comptables affectés, formule).",
                route="/clients/import",
                target="Télécharger le modèle Excel",
            ),
            TourStep(
                "2. Le fichier",
                "Choisissez le fichier rempli (.xlsx). Rien n'est créé à cette étape.",
                route="/clients/import",
                target="Fichier Excel (.xlsx)",
            ),
            TourStep(
                "L'analyse",
                "Comptoir lit chaque ligne, vérifie le SIREN au registre et repère les doublons. "
                "Un rapport ligne par ligne s'affiche : « À créer », « Doublon », « Invalide », "
                "« SIREN inconnu ».",
                route="/clients/import",
                target="Analyser le fichier",
            ),
            TourStep(
                "La confirmation",
                "Après lecture du rapport, confirmez : seules les lignes « À créer » deviennent "
                "des clients. Vous pouvez ensuite les inviter depuis la liste.",
                route="/clients/import",
                target="2. Le fichier",
            ),
        ),
    ),
    Tour(
        id="invite-collaborator",
        title="Inviter un collaborateur",
        summary="Ajouter un membre du cabinet avec ses rôles ; il enrôle son téléphone.",
        screens=("/utilisateurs",),
        article="inviter-un-collaborateur",
        steps=(
            TourStep(
                "Les utilisateurs du cabinet",
                "Cet écran liste les collaborateurs, leurs rôles et leur statut.",
                route="/utilisateurs",
                target="Utilisateurs",
            ),
            TourStep(
                "Inviter",
                "Ce bouton ouvre le formulaire d'invitation : prénom, nom, adresse e-mail et "
                "au moins un rôle. Les rôles se cumulent.",
                route="/utilisateurs",
                target="Inviter un collaborateur",
            ),
            TourStep(
                "Et ensuite",
                "Le collaborateur reçoit un lien à usage unique pour enrôler son téléphone. Tant "
                "qu'il ne l'a pas ouvert, il apparaît « Invité » ; vous pouvez renvoyer ou "
                "annuler l'invitation depuis sa ligne.",
                route="/utilisateurs",
                target="Rôles",
            ),
        ),
    ),
    Tour(
        id="activate-einvoicing",
        title="Activer la facturation électronique",
        summary="Mandat, certification et inscription du client à l'annuaire national.",
        screens=("/clients", "/clients/:clientId/:tab?"),
        article="activer-la-facturation-electronique",
        steps=(
            TourStep(
                "Choisir les clients",
                "Cochez un ou plusieurs clients dans la liste (ou ouvrez la fiche d'un client, "
                "onglet « Facturation électronique »).",
                route="/clients",
                target="Clients",
            ),
            TourStep(
                "Le filtre utile",
                "Le filtre « Désignation PA » montre les clients « Non désigné » : ceux qui "
                "restent à inscrire.",
                route="/clients",
                target="Désignation PA",
            ),
            TourStep(
                "Le mandat",
                "Avant d'activer, faites signer le mandat au client : « Télécharger le modèle de "
                "mandat (PDF) » sur sa fiche. Vous certifiez ensuite l'avoir obtenu.",
                route="/clients",
                target=None,
            ),
            TourStep(
                "L'activation",
                "Avec des clients cochés, « Activer la facturation électronique » inscrit chacun "
                "à l'annuaire national ; l'inscription se poursuit en arrière-plan et le statut "
                "passe de « En cours » à « Inscrit ».",
                route="/clients",
                target=None,
            ),
        ),
    ),
    Tour(
        id="file-document",
        title="Déposer et classer un document",
        summary="Déposer une facture ou un relevé pour un client, puis le classer.",
        screens=("/documents",),
        article="deposer-un-document",
        steps=(
            TourStep(
                "Les documents",
                "Factures, relevés et documents partagés de vos clients, au même endroit.",
                route="/documents",
                target=None,
            ),
            TourStep(
                "Déposer",
                "Ce bouton ouvre le dépôt : le client, le type de document, le fichier et, si "
                "vous le souhaitez, un dossier. Les factures électroniques sont reconnues.",
                route="/documents",
                target="Déposer un document",
            ),
            TourStep(
                "Retrouver",
                "Les filtres (client, type, période) et la recherche retrouvent un document par "
                "son nom, son numéro de facture, son vendeur ou son acheteur.",
                route="/documents",
                target="Rechercher",
            ),
            TourStep(
                "Classer",
                "Ouvrez un document pour le classer dans un dossier partagé du client : "
                "« Classer dans un dossier ».",
                route="/documents",
                target=None,
            ),
        ),
    ),
)

TOURS_BY_ID = {tour.id: tour for tour in TOURS}
