"""The knowledge base: the Markdown articles of `api/help/articles/`, read once per process.

Each file is `<slug>.md`: a front matter block between `---` lines (`title`, `category`,
`summary`, `keywords`, `screens`, `related`; lists are comma-separated), then Markdown. The
articles are shipped with the code, the same files on every instance: holding them (and the
search index built from them) in memory is not per-process state another instance would need.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
LIST_FIELDS = frozenset({"keywords", "screens", "related"})
REQUIRED_FIELDS = ("title", "category", "summary", "keywords", "screens")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*`]+|(?<!\w)_|_(?!\w)")
_MARKUP = re.compile(r"[>#|]+")


class KnowledgeBaseError(ValueError):
    """An article file that cannot be served (a broken front matter, an unknown related slug)."""


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    title: str
    category: str
    summary: str
    keywords: tuple[str, ...]
    screens: tuple[str, ...]
    related: tuple[str, ...]
    markdown: str
    html: str
    headings: tuple[str, ...]
    text: str  # the body as plain text, for search and excerpts


def _front_matter(slug: str, source: str) -> tuple[dict[str, str], str]:
    if not source.startswith("---\n"):
        raise KnowledgeBaseError(f"{slug}: l'article doit commencer par « --- »")
    head, separator, body = source[4:].partition("\n---\n")
    if not separator:
        raise KnowledgeBaseError(f"{slug}: bloc d'en-tête non fermé")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise KnowledgeBaseError(f"{slug}: ligne d'en-tête illisible « {line} »")
        fields[key.strip()] = value.strip()
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise KnowledgeBaseError(f"{slug}: champs manquants : {', '.join(missing)}")
    return fields, body


def _items(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def plain_text(markdown: str) -> str:
    """The words a reader sees, without Markdown punctuation (for search and excerpts)."""
    lines = []
    for line in markdown.splitlines():
        line = _LINK.sub(r"\1", line)
        line = _EMPHASIS.sub("", line)
        line = _MARKUP.sub(" ", line)
        line = re.sub(r"^\s*(?:[-+]|\d+\.)\s+", "", line)
        lines.append(" ".join(line.split()))
    return "\n".join(line for line in lines if line)


_RENDERER = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def parse_article(slug: str, source: str) -> Article:
    if not _SLUG.match(slug):
        raise KnowledgeBaseError(f"{slug}: nom de fichier invalide (a-z, 0-9, tirets)")
    fields, body = _front_matter(slug, source)
    headings = tuple(
        line.lstrip("#").strip() for line in body.splitlines() if re.match(r"^#{2,3} ", line)
    )
    return Article(
        slug=slug,
        title=fields["title"],
        category=fields["category"],
        summary=fields["summary"],
        keywords=_items(fields["keywords"]),
        screens=_items(fields["screens"]),
        related=_items(fields.get("related", "")),
        markdown=body.strip() + "\n",
        html=_RENDERER.render(body),
        headings=headings,
        # The title is shown apart: excerpts start with the article's own words.
        text=plain_text(re.sub(r"^# .*$", "", body, count=1, flags=re.M)),
    )


@dataclass(frozen=True)
class KnowledgeBase:
    articles: tuple[Article, ...]

    @functools.cached_property
    def by_slug(self) -> dict[str, Article]:
        return {article.slug: article for article in self.articles}

    def get(self, slug: str) -> Article | None:
        return self.by_slug.get(slug)

    def for_screen(self, pathname: str) -> list[Article]:
        """The articles whose `screens` match a page address, most specific screen first."""
        scored: list[tuple[int, str, Article]] = []
        for article in self.articles:
            best = max((screen_specificity(s, pathname) for s in article.screens), default=-1)
            if best >= 0:
                scored.append((-best, article.title, article))
        return [article for _, _, article in sorted(scored, key=lambda item: item[:2])]


def screen_specificity(screen: str, pathname: str) -> int:
    """-1 when `screen` (a route like `/clients/:clientId/facturation`) does not match the
    address; else how many literal segments matched (a higher number is more specific)."""
    pattern = [part for part in screen.split("/") if part]
    path = [part for part in pathname.split("?")[0].split("/") if part]
    required = [part for part in pattern if not part.endswith("?")]
    if not len(required) <= len(path) <= len(pattern):
        return -1
    literal = 0
    for index, segment in enumerate(path):
        part = pattern[index]
        if part.startswith(":"):
            continue
        if part != segment:
            return -1
        literal += 1
    return literal


def load_knowledge_base(folder: Path = ARTICLES_DIR) -> KnowledgeBase:
    articles = tuple(
        parse_article(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.md"))
    )
    slugs = {article.slug for article in articles}
    for article in articles:
        unknown = [slug for slug in article.related if slug not in slugs]
        if unknown:
            raise KnowledgeBaseError(f"{article.slug}: articles liés inconnus {unknown}")
    return KnowledgeBase(articles)


@functools.cache
def knowledge_base() -> KnowledgeBase:
    """The shipped articles, parsed once per process."""
    return load_knowledge_base()
