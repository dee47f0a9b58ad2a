"""French full-text search of the knowledge base: the relevance set of real questions, and
each promise of the engine (accents, case, stemming, prefix, one typo, ranking, excerpts)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from api.help.knowledge import knowledge_base
from api.help.search import SearchIndex

RELEVANCE = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(knowledge_base().articles)


def top(index: SearchIndex, question: str, count: int = 3) -> list[str]:
    return [hit.article.slug for hit in index.search(question, count)]


def test_the_relevance_set_has_real_questions_for_real_articles() -> None:
    assert len(RELEVANCE) >= 20
    for case in RELEVANCE:
        assert knowledge_base().get(case["expected"]), case


def test_the_top_3_hit_rate_of_the_relevance_set_is_at_least_90_percent(
    index: SearchIndex,
) -> None:
    misses = [case for case in RELEVANCE if case["expected"] not in top(index, case["question"])]
    assert len(misses) <= len(RELEVANCE) // 10, misses


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("comment ajouter un client", "ajouter-un-client"),
        ("le QR code ne s'affiche pas", "le-code-qr-ne-s-affiche-pas"),
        ("changer le rôle d'un collaborateur", "changer-le-role-d-un-collaborateur"),
        ("qu'est-ce que Peppol", "qu-est-ce-que-peppol"),
    ],
)
def test_the_issue_questions_come_first(index: SearchIndex, question: str, expected: str) -> None:
    assert top(index, question, 1) == [expected]


def test_accents_and_case_are_ignored(index: SearchIndex) -> None:
    assert top(index, "CHANGER LE ROLE D'UN COLLABORATEUR") == top(
        index, "changer le rôle d'un collaborateur"
    )
    assert top(index, "desinscrire", 1) == top(index, "désinscrire", 1)


def test_french_stemming_meets_plural_and_verb_forms(index: SearchIndex) -> None:
    assert "importer-des-clients" in top(index, "importation des clients")
    assert "roles-et-droits" in top(index, "les rôles")


def test_the_word_being_typed_matches_as_a_prefix(index: SearchIndex) -> None:
    assert top(index, "impor", 1) == ["importer-des-clients"]


def test_one_typo_is_forgiven(index: SearchIndex) -> None:
    assert top(index, "pepol", 1) == ["qu-est-ce-que-peppol"]
    assert top(index, "webhok", 1) == ["webhooks"]


def test_stop_words_alone_find_nothing(index: SearchIndex) -> None:
    assert index.search("le la les de", 5) == []
    assert index.search("xqzwv", 5) == []


def test_hits_are_ranked_and_highlighted(index: SearchIndex) -> None:
    hits = index.search("importer", 5)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    first = hits[0]
    assert any(segment.highlight and segment.text == "Importer" for segment in first.title)
    highlighted = [segment.text.lower() for segment in first.excerpt if segment.highlight]
    assert highlighted
    assert all(text.startswith("import") for text in highlighted)


async def test_the_search_endpoint_answers_the_same_on_every_database(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/help/search", params={"q": "Qu'est-ce que Peppol ?"})
    assert response.status_code == 200
    body = response.json()
    assert body["hits"][0]["article"]["slug"] == "qu-est-ce-que-peppol"
    assert any(segment["highlight"] for segment in body["hits"][0]["excerpt"])
    assert (await client.get("/api/v1/help/search", params={"q": ""})).status_code == 422
    too_long = await client.get("/api/v1/help/search", params={"q": "x" * 201})
    assert too_long.status_code == 422
