"""A coarse, dependency-free reading of a User-Agent, for the phone's approval screen
("Chrome sur Windows"). It only helps a person recognise their own browser; nothing
security-relevant depends on it."""

from __future__ import annotations

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("python-httpx", "client HTTP (httpx)"),
    ("curl/", "curl"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str | None) -> tuple[str, str]:
    """(browser, operating system) in French-friendly words, "inconnu" when unsure."""
    text = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in text), "navigateur inconnu")
    system = next((name for marker, name in _SYSTEMS if marker in text), "système inconnu")
    return browser, system
