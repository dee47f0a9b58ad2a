"""French full-text search over the knowledge base, in memory.

    normalise   lower case, elisions split (l', d', qu'…), French stop words dropped
    stem        Snowball French (`snowballstemmer`) on the accented word, then accents removed,
                so « rôles », « rôle » and « role » meet on `rol`
    expand      each query word matches its stem; the last word (being typed) also every
                indexed word it begins; a word of 4 letters or more absent from the index also
                the indexed words one edit away (a deletion index, SymSpell-style)
    rank        BM25 over the title, keywords, summary, headings and body, with field weights,
                and a bonus for articles matching more of the question's words
    excerpt     the body window holding most matched words, cut into highlighted segments

The index is rebuilt from the shipped files when a process starts: identical results on
SQLite and PostgreSQL because no database is involved (docs/decisions/0006-help-search.md).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import snowballstemmer

from api.help.knowledge import Article

_WORD = re.compile(r"[0-9a-zàâäçéèêëîïôöùûüÿœæ]+", re.IGNORECASE)
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette comment dans de des du elle en est et etre eux il ils je
    la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas
    pour qu que quel quelle quelles quels qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous y est-ce ai as avez avons ont sont suis etes faire fait peut peux puis
    dois doit je quoi ca cela ceci ici la-bas si plus tres bien tout tous toute toutes sans
    sous chez
    """.split()  # noqa: SIM905
)

FIELD_WEIGHTS = {"title": 4.0, "keywords": 3.0, "summary": 2.0, "headings": 1.5, "body": 1.0}
PREFIX_WEIGHT = 0.6
TYPO_WEIGHT = 0.5
K1, B = 1.2, 0.75
EXCERPT_WORDS = 28


@functools.lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=65536)
def is_stop_word(word: str) -> bool:
    return strip_accents(word) in STOP_WORDS


def words(text: str) -> list[str]:
    """Lower-case words, elisions split off, stop words kept (excerpts need every word)."""
    return [match.group(0).lower() for match in _WORD.finditer(_ELISION.sub(" ", text))]


class Stemmer:
    def __init__(self) -> None:
        self._snowball = snowballstemmer.stemmer("french")
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = strip_accents(self._snowball.stemWord(word.replace("œ", "oe")))
            self._cache[word] = stem
        return stem


def _deletes(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    highlight: bool


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    score: float
    title: list[Segment]
    excerpt: list[Segment]


@dataclass(slots=True)
class _Doc:
    article: Article
    # stem -> weighted term frequency over the fields
    weighted_tf: dict[str, float] = field(default_factory=dict)
    length: float = 0.0
    norm: float = 0.0  # BM25's length normalisation, K1 · (1 − B + B · length / average)
    # The title's words: their place and stem (None: a stop word), for highlighting
    title_words: list[tuple[int, int, str | None]] = field(default_factory=list)
    # The body on one line, its words' places, and where each stem stands, for excerpts
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    positions: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Term:
    stem: str
    weight: float


class SearchIndex:
    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.stem = Stemmer()
        self.docs: list[_Doc] = []
        self.document_frequency: Counter[str] = Counter()
        # surface word without accents -> its stem; for prefix and typo expansion
        self.vocabulary: dict[str, str] = {}
        self.deletions: dict[str, set[str]] = defaultdict(set)
        for article in articles:
            doc = _Doc(article)
            fields = {
                "title": article.title,
                "keywords": " ".join(article.keywords),
                "summary": article.summary,
                "headings": " ".join(article.headings),
                "body": article.text,
            }
            for name, text in fields.items():
                for word in words(text):
                    if is_stop_word(word):
                        continue
                    stem = self.stem(word)
                    doc.weighted_tf[stem] = doc.weighted_tf.get(stem, 0.0) + FIELD_WEIGHTS[name]
                    doc.length += FIELD_WEIGHTS[name]
                    self.vocabulary.setdefault(strip_accents(word), stem)
            self.document_frequency.update(doc.weighted_tf.keys())
            doc.title_words = [
                (match.start(), match.end(), self._stem_unless_stop(match.group(0)))
                for match in _WORD.finditer(article.title)
            ]
            doc.text = " ".join(article.text.split())
            for index, match in enumerate(_WORD.finditer(doc.text)):
                doc.spans.append(match.span())
                body_stem = self._stem_unless_stop(match.group(0))
                if body_stem is not None:
                    doc.positions.setdefault(body_stem, []).append(index)
            self.docs.append(doc)
        for word in self.vocabulary:
            if len(word) >= 4:
                for deleted in _deletes(word):
                    self.deletions[deleted].add(word)
        self.sorted_vocabulary = sorted(self.vocabulary)
        self.average_length = sum(doc.length for doc in self.docs) / max(len(self.docs), 1)
        total = len(self.docs)
        self.idf = {
            stem: math.log(1 + (total - df + 0.5) / (df + 0.5))
            for stem, df in self.document_frequency.items()
        }
        for doc in self.docs:
            doc.norm = K1 * (1 - B + B * doc.length / self.average_length)

    def _stem_unless_stop(self, word: str) -> str | None:
        lowered = word.lower()
        return None if is_stop_word(lowered) else self.stem(lowered)

    # ---- the question
    def _expand(self, word: str, last: bool) -> list[_Term]:
        plain = strip_accents(word)
        stem = self.stem(word)
        terms = [_Term(stem, 1.0)] if stem in self.document_frequency else []
        if last and len(plain) >= 2:
            terms += [
                _Term(self.vocabulary[candidate], PREFIX_WEIGHT)
                for candidate in self._with_prefix(plain)
            ]
        if not terms and len(plain) >= 4:
            candidates = set(self.deletions.get(plain, ())) | {
                candidate
                for deleted in _deletes(plain)
                for candidate in (
                    *self.deletions.get(deleted, ()),
                    *([deleted] if deleted in self.vocabulary else []),
                )
            }
            terms += [
                _Term(self.vocabulary[candidate], TYPO_WEIGHT)
                for candidate in sorted(candidates)
                if _within_one_edit(plain, candidate)
            ]
        best: dict[str, float] = {}
        for term in terms:
            best[term.stem] = max(best.get(term.stem, 0.0), term.weight)
        return [_Term(stem, weight) for stem, weight in best.items()]

    def _with_prefix(self, prefix: str, limit: int = 30) -> list[str]:
        found: list[str] = []
        index = bisect_left(self.sorted_vocabulary, prefix)
        while index < len(self.sorted_vocabulary) and len(found) < limit:
            candidate = self.sorted_vocabulary[index]
            if not candidate.startswith(prefix):
                break
            if candidate != prefix:
                found.append(candidate)
            index += 1
        return found

    def query_terms(self, question: str) -> list[list[_Term]]:
        """One group of alternative terms per meaningful word of the question."""
        tokens = words(question)
        meaningful = [token for token in tokens if not is_stop_word(token)]
        ends_with_word = bool(question) and not question[-1].isspace()
        groups = []
        for position, token in enumerate(meaningful):
            last = ends_with_word and position == len(meaningful) - 1 and token == tokens[-1]
            group = self._expand(token, last)
            if group:
                groups.append(group)
            else:
                groups.append([])  # a word found nowhere still counts against coverage
        return groups

    # ---- ranking
    def search(self, question: str, limit: int = 10) -> list[Hit]:
        groups = self.query_terms(question)
        if not any(groups):
            return []
        scored: list[tuple[float, str, _Doc]] = []
        for doc in self.docs:
            score = 0.0
            matched = 0
            norm = doc.norm
            for group in groups:
                best = 0.0
                for term in group:
                    tf = doc.weighted_tf.get(term.stem)
                    if not tf:
                        continue
                    idf = self.idf[term.stem]
                    best = max(best, term.weight * idf * tf * (K1 + 1) / (tf + norm))
                if best:
                    matched += 1
                    score += best
            if matched:
                coverage = matched / len(groups)
                scored.append((score * (0.5 + coverage * coverage), doc.article.slug, doc))
        scored.sort(key=lambda item: (-item[0], item[1]))
        stems = {term.stem for group in groups for term in group}
        return [
            Hit(
                article=doc.article,
                score=round(score, 4),
                title=self.highlight_title(doc, stems),
                excerpt=self.excerpt(doc, stems),
            )
            for score, _, doc in scored[:limit]
        ]

    # ---- what is shown
    def highlight_title(self, doc: _Doc, stems: set[str]) -> list[Segment]:
        text = doc.article.title
        segments: list[Segment] = []
        position = 0
        for start, end, stem in doc.title_words:
            if stem is not None and stem in stems:
                if start > position:
                    segments.append(Segment(text[position:start], False))
                segments.append(Segment(text[start:end], True))
                position = end
        if position < len(text):
            segments.append(Segment(text[position:], False))
        return segments

    def excerpt(self, doc: _Doc, stems: set[str]) -> list[Segment]:
        """The first window of EXCERPT_WORDS words of the body holding most matched words.

        Found from the matched words' positions alone (not by sliding over every word): a best
        window can always be moved left until a matched word ends it, or it starts the body."""
        spans, text = doc.spans, doc.text
        hits = sorted(
            index for stem in stems if stem in doc.positions for index in doc.positions[stem]
        )
        if not hits:
            return [Segment(doc.article.summary, False)]
        window = min(EXCERPT_WORDS, len(spans))
        best_start, best_count = 0, 0
        for last_hit in hits:
            start = max(0, last_hit - window + 1)
            count = bisect_right(hits, start + window - 1) - bisect_left(hits, start)
            if count > best_count or (count == best_count and start < best_start):
                best_start, best_count = start, count
        last = best_start + window - 1
        begin, end = spans[best_start][0], spans[last][1]
        segments = [Segment("… ", False)] if begin > 0 else []
        position = begin
        for index in hits[bisect_left(hits, best_start) : bisect_right(hits, last)]:
            word_start, word_end = spans[index]
            if word_start > position:
                segments.append(Segment(text[position:word_start], False))
            segments.append(Segment(text[word_start:word_end], True))
            position = word_end
        if end > position:
            segments.append(Segment(text[position:end], False))
        if end < len(text):
            segments.append(Segment(" …", False))
        return segments


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1, or two adjacent letters swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [index for index in range(len(a)) if a[index] != b[index]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))
