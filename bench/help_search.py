"""Help centre search: top-3 hit rate over the relevance set and search latency (p50, p99),
against a naive baseline measured in the same run.

    .venv/bin/python -m bench.help_search [--rounds N]

The baseline is what one writes first: lower-cased substring matching of each question word
of 3 letters or more, ranked by how many words the article contains. Figures are printed,
never asserted (the 90 % hit-rate floor is asserted by tests/help/test_search.py). The CPU
time of the searching thread is printed next to the wall time: on a machine shared with other
work, the wall-clock p99 is mostly time spent waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from api.help.knowledge import Article, knowledge_base
from api.help.search import SearchIndex, words

RELEVANCE = Path(__file__).resolve().parents[1] / "tests" / "help" / "relevance.json"
# As typed in the search field: prefixes, typos, accents missing.
TYPED = ["impor", "pepol", "desinscrire", "mandat signe", "QR cod", "webhok", "role", "annuair"]


def baseline(articles: tuple[Article, ...]) -> Callable[[str, int], list[str]]:
    texts = [
        (article.slug, f"{article.title} {' '.join(article.keywords)} {article.text}".lower())
        for article in articles
    ]

    def search(question: str, limit: int) -> list[str]:
        terms = [word for word in words(question) if len(word) >= 3]
        scored = [(sum(term in text for term in terms), slug) for slug, text in texts]
        ranked = sorted((item for item in scored if item[0]), key=lambda item: (-item[0], item[1]))
        return [slug for _, slug in ranked[:limit]]

    return search


def measure(
    name: str, search: Callable[[str, int], list[str]], cases: list[dict[str, str]], rounds: int
) -> None:
    hits = sum(case["expected"] in search(case["question"], 3) for case in cases)
    durations: list[float] = []
    cpu: list[float] = []
    questions = [case["question"] for case in cases] + TYPED
    for _ in range(rounds):
        for question in questions:
            start, start_cpu = time.perf_counter(), time.thread_time()
            search(question, 10)
            durations.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
    print(
        f"{name:<10} top-3 hit rate {hits}/{len(cases)} = {hits / len(cases):6.1%}   "
        f"p50 {statistics.median(durations):6.3f} ms   p99 {p99(durations):6.3f} ms   "
        f"(CPU time p99 {p99(cpu):6.3f} ms; {len(durations)} searches)"
    )


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    cases = json.loads(RELEVANCE.read_text(encoding="utf-8"))
    articles = knowledge_base().articles
    start = time.perf_counter()
    index = SearchIndex(articles)
    built = (time.perf_counter() - start) * 1000
    print(f"{len(articles)} articles, {len(cases)} questions; index built in {built:.0f} ms")
    measure("baseline", baseline(articles), cases, args.rounds)
    measure(
        "comptoir",
        lambda question, limit: [hit.article.slug for hit in index.search(question, limit)],
        cases,
        args.rounds,
    )
    print("targets: top-3 hit rate >= 90 %, p99 < 20 ms")


if __name__ == "__main__":
    main()
