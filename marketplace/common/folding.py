"""Vietnamese text folding for search: case and diacritics removed, đ/Đ read as d.

"Mật ong Lạng Sơn" -> "mat ong lang son". Pure: no Flask, no database.
"""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[0-9a-z]+")
MAX_TERMS = 8
MAX_TERM_LENGTH = 40


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces."""
    lowered = (text or "").lower().replace("đ", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch)
    )
    return " ".join(_WORD.findall(stripped))


def terms(query: str) -> list[str]:
    """The search terms of a query: folded words, at most MAX_TERMS, each cut to MAX_TERM_LENGTH.

    Only letters and digits survive, so no term can carry search-engine syntax
    (quotes, *, -, AND/OR/NEAR are plain words or vanish).
    """
    seen: list[str] = []
    for word in fold(query[:1000]).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def exact_words(query: str) -> list[str]:
    """The query's words lower-cased with their diacritics, when it has any; else []."""
    words = re.findall(r"\w+", (query or "")[:1000].lower())
    return words[:MAX_TERMS] if any(fold(w) != w for w in words) else []


def slug(text: str) -> str:
    """A URL slug: "HTX Na Chi Lăng" -> "htx-na-chi-lang"."""
    return fold(text).replace(" ", "-")


def starts_words(search: str, *texts: str) -> bool:
    """Every word of the search starts a word of the texts, case and diacritics ignored: the rule of
    the small name searches done in Python (cooperatives, applications, a cooperative's products)."""
    haystack = " " + fold(" ".join(texts))
    return all(" " + word in haystack for word in terms(search))


def free_slug(base: str, taken: set[str]) -> str:
    """`base`, or base-2, base-3... the first that is not taken."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
