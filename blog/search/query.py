"""What a reader typed, turned into terms both search engines can use safely.

Words (all must match), "quoted phrases", -excluded words or phrases, and OR
between two terms. Everything else (operators, stray quotes, punctuation,
emoji) is either part of a word or ignored, so no input reaches a database as
syntax. English stop words are dropped from plain words on both engines, as
PostgreSQL would; a query of nothing but stop words finds nothing on either.
"""

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# PostgreSQL's English stop words, so both engines ignore the same words.
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can did do does doing don down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own s
same she should so some such t than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several words in a row."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class SearchQuery:
    # Every clause must match; a clause matches when any of its terms does.
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def words(self) -> list[str]:
        return [word for clause in self.clauses for term in clause for word in term.words]


def clean(text: str) -> str:
    """Single-spaced, without NUL bytes, cut to MAX_QUERY_LENGTH on a word boundary."""
    text = " ".join(text.replace("\x00", " ").split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    cut = text[: MAX_QUERY_LENGTH + 1]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_LENGTH]


def parse(text: str) -> SearchQuery:
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for negated, phrase, bare in TOKEN.findall(clean(text)):
        if bare == "OR":
            join_next = bool(clauses)
            continue
        if bare == "AND":
            continue
        negated = negated or bare.startswith("-")
        term = _term(phrase if phrase else bare.lstrip("-"))
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    clauses = clauses[:MAX_TERMS]
    return SearchQuery(
        clauses=tuple(tuple(clause) for clause in clauses),
        excluded=tuple(excluded[:MAX_TERMS]),
    )


def _term(text: str) -> Term | None:
    # A bare "e-mail" or "node.js" becomes a phrase, as the engines' tokenizers split it.
    words = tuple(word.lower() for word in WORD.findall(text))
    if not words or all(word in STOP_WORDS for word in words):
        return None
    return Term(words)
