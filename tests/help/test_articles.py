"""The knowledge base is written for Comptoir as it is: every article parses, and every screen,
quoted label (« … »), link and guided-tour step it names exists in the SPA.

The SPA's route table is read from spa/src/app/router.tsx; its labels from the string literals
and JSX text of spa/src. Renaming a button without updating the help makes this fail."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from api.help.knowledge import (
    KnowledgeBaseError,
    knowledge_base,
    parse_article,
    screen_specificity,
)
from api.help.tours import TOURS

ROOT = Path(__file__).resolve().parents[2]
SPA = ROOT / "spa" / "src"
QUOTED = re.compile(r"«\s*(.+?)\s*»")
LINK = re.compile(r"\]\((/[^)\s]*)\)")

# The issue's list: each subject has its article (slugs), so none silently disappears.
REQUIRED_SUBJECTS = {
    "login": "connexion-par-code-qr",
    "phone enrollment": "enroler-son-telephone",
    "users and roles": "roles-et-droits",
    "adding clients": "ajouter-un-client",
    "importing clients": "importer-des-clients",
    "invitations": "inviter-un-client",
    "client statuses": "statuts-des-clients",
    "collaborators": "affecter-un-comptable",
    "subscriptions": "abonnements-des-clients",
    "mandate and PA designation": "mandat-et-designation-pa",
    "national directory": "annuaire-national",
    "flows and lifecycle statuses": "flux-et-statuts-de-cycle-de-vie",
    "documents": "deposer-un-document",
    "folders": "dossiers-partages",
    "phone companion": "compagnon-mobile",
    "API keys": "cles-d-api",
    "webhooks": "webhooks",
    "standard API": "api-standard",
    "the reform and its calendar": "la-reforme-de-la-facturation-electronique",
    "PA and PPF": "plateforme-agreee-et-ppf",
    "Peppol": "qu-est-ce-que-peppol",
    "formats": "formats-factur-x-ubl-cii",
    "e-reporting": "e-reporting",
}


@cache
def spa_routes() -> tuple[str, ...]:
    """Every route of the SPA (all sit under path-less layouts, so each is `/` + its path)."""
    source = (SPA / "app" / "router.tsx").read_text(encoding="utf-8")
    paths = re.findall(r"\bpath:\s*\"([^\"]+)\"", source)
    routes = ["/"] + ["/" + path for path in paths if path != "*"]
    assert "/clients" in routes
    assert "/connexion" in routes
    return tuple(routes)


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


@cache
def spa_strings() -> str:
    """Every string literal and JSX text of the SPA, one per line."""
    chunks: list[str] = []
    for path in SPA.rglob("*.ts*"):
        if path.name == "schema.d.ts" or ".test." in path.name:
            continue
        source = path.read_text(encoding="utf-8")
        chunks += re.findall(r'"((?:[^"\\\n]|\\.)*)"', source)
        chunks += re.findall(r"`([^`]*)`", source)
        chunks += re.findall(r">([^<>{}]+)<", source)
    return "\n".join(_normal(chunk.replace("\\'", "'")) for chunk in chunks)


def is_route(address: str) -> bool:
    return any(screen_specificity(route, address) >= 0 for route in spa_routes())


@cache
def api_labels() -> frozenset[str]:
    """Labels the screens show as the API serves them: the guided tours' titles (the
    « Assistance » panel) and the invoice catalogue's statuses, actions and reasons (badges,
    filters, buttons and the reason picker read `GET /api/v1/invoices/catalogue`)."""
    from api.lifecycle.service import catalogue

    served = catalogue()
    return frozenset(
        {tour.title for tour in TOURS}
        | {status.label for status in served.statuses}
        | {action.label for action in served.actions}
        | {reason.label for action in served.actions for reason in action.reasons}
    )


def label_exists(label: str) -> bool:
    return _normal(label) in spa_strings() or label in api_labels()


def test_the_knowledge_base_has_at_least_30_articles_that_all_load() -> None:
    articles = knowledge_base().articles
    assert len(articles) >= 30
    for article in articles:
        assert article.title
        assert article.summary
        assert article.keywords
        assert article.screens
        assert article.related, f"{article.slug}: no related article"
        assert article.slug not in article.related
        assert "<script" not in article.html


@pytest.mark.parametrize(("subject", "slug"), REQUIRED_SUBJECTS.items())
def test_every_subject_of_the_issue_has_its_article(subject: str, slug: str) -> None:
    assert knowledge_base().get(slug) is not None, subject


@pytest.mark.parametrize("article", knowledge_base().articles, ids=lambda article: article.slug)
def test_an_article_names_only_screens_labels_and_links_that_exist(article: object) -> None:
    from api.help.knowledge import Article

    assert isinstance(article, Article)
    for screen in article.screens:
        assert is_route(screen), f"{article.slug}: no SPA route for screen {screen}"
    missing = [label for label in QUOTED.findall(article.markdown) if not label_exists(label)]
    assert missing == [], f"{article.slug}: labels not found in the SPA: {missing}"
    for target in LINK.findall(article.markdown):
        if target.startswith("/aide/"):
            assert knowledge_base().get(target.removeprefix("/aide/")), target
        else:
            assert is_route(target), f"{article.slug}: link to unknown page {target}"


@pytest.mark.parametrize("tour", TOURS, ids=lambda tour: tour.id)
def test_every_tour_step_points_at_a_real_page_and_label(tour: object) -> None:
    from api.help.tours import Tour

    assert isinstance(tour, Tour)
    assert knowledge_base().get(tour.article)
    assert all(is_route(screen) for screen in tour.screens)
    for step in tour.steps:
        assert step.route is None or is_route(step.route), step
        assert step.target is None or label_exists(step.target), step


def test_the_checks_catch_what_does_not_exist() -> None:
    assert not is_route("/factures")
    assert not label_exists("Supprimer tous les clients")
    assert is_route("/clients/:clientId/facturation")
    assert label_exists("Importer depuis Excel")
    assert label_exists("Erreur de routage")  # a status label, served by the API's catalogue
    assert not label_exists("Erreur de routeur")


@pytest.mark.parametrize(
    "source",
    [
        "no front matter",
        "---\ntitle: x\n",
        "---\ntitle: Un titre\ncategory: X\n---\ncorps",  # summary, keywords, screens missing
    ],
)
def test_a_broken_article_is_refused(source: str) -> None:
    with pytest.raises(KnowledgeBaseError):
        parse_article("exemple", source)


def test_raw_html_in_markdown_is_not_rendered() -> None:
    article = parse_article(
        "exemple",
        "---\ntitle: T\ncategory: C\nsummary: S\nkeywords: k\nscreens: /\n---\n"
        "<script>alert(1)</script>\n\n**gras**",
    )
    assert "<script>" not in article.html
    assert "<strong>gras</strong>" in article.html


def test_screens_match_addresses_most_specific_first() -> None:
    assert screen_specificity("/clients/:clientId/:tab?", "/clients/42") == 1
    assert screen_specificity("/clients/:clientId/facturation", "/clients/42/facturation") == 2
    assert screen_specificity("/clients/:clientId/facturation", "/clients/42/abonnement") == -1
    assert screen_specificity("/clients", "/clients/import") == -1
    first = knowledge_base().for_screen("/clients/import")[0]
    assert first.slug == "importer-des-clients"
