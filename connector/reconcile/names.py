"""Comparing the name on a bank line with a customer's name.

Banks print "JANSEN ICT B.V.", "MW L. VAN DIJK" or "Dijk, L. van"; the books say
"Jansen ICT" and "Lotte van Dijk". Both sides are reduced to core words (no legal forms,
titles or particles like "van der", accents folded, order ignored) plus initials, and
compared word by word with rapidfuzz so "Janssen" still meets "Jansen". An initial that
contradicts a first name ("J. de Vries" vs "Lotte de Vries") costs points.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

LEGAL_FORMS = frozenset(
    (
        "bv",
        "nv",
        "vof",
        "cv",
        "holding",
        "beheer",
        "ltd",
        "gmbh",
        "sarl",
        "sa",
        "bvba",
        "eenmanszaak",
        "ez",
        "maatschap",
        "stichting",
        "vereniging",
        "cooperatie",
        "ua",
        "coop",
        "inc",
        "llc",
        "co",
        "company",
        "groep",
        "group",
    )
)
TITLES = frozenset(
    (
        "dhr",
        "hr",
        "heer",
        "de_heer",
        "mw",
        "mevr",
        "mevrouw",
        "mrs",
        "mr",
        "ms",
        "mej",
        "fam",
        "familie",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "mw.",
        "mej.",
        "ir.",
        "sir",
        "madam",
        "eo",
        "echtgenote",
        "erven",
        "wed",
        "weduwe",
    )
)
PARTICLES = frozenset(
    (
        "van",
        "de",
        "der",
        "den",
        "het",
        "ter",
        "ten",
        "te",
        "t",
        "op",
        "aan",
        "in",
        "la",
        "le",
        "du",
        "von",
        "vd",
        "d",
        "en",
        "and",
        "of",
        "zn",
        "zonen",
    )
)
_DOTTED_FORMS = [
    (re.compile(r"\bb\.?\s?v\.?(?=\W|$)"), " bv "),
    (re.compile(r"\bn\.?\s?v\.?(?=\W|$)"), " nv "),
    (re.compile(r"\bv\.?\s?o\.?\s?f\.?(?=\W|$)"), " vof "),
    (re.compile(r"\bc\.?\s?v\.?(?=\W|$)"), " cv "),
    (re.compile(r"\bu\.?\s?a\.?(?=\W|$)"), " ua "),
    (re.compile(r"\ben\s?/\s?of\b|\be\s?/\s?o\b|&|\+"), " "),
    (re.compile(r"\bv\.\s?d\.?(?=\W|$)"), " vd "),
]
_SPLIT = re.compile(r"[^a-z0-9]+")
TOKEN_MATCH = 85


@dataclass(frozen=True, slots=True)
class NameParts:
    words: tuple[str, ...]  # core words, sorted, no duplicates
    initials: str  # single letters, in order

    @property
    def empty(self) -> bool:
        return not self.words


def fold(text: str) -> str:
    """Lower case without accents: 'Çelik Bouw' → 'celik bouw'."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=400_000)
def name_parts(name: str) -> NameParts:
    """Core words and initials of a name as a person or a bank would write it."""
    text = fold(name) if not name.isascii() else name.lower()
    if "." in text or "&" in text or "+" in text or "/" in text:
        for pattern, replacement in _DOTTED_FORMS:
            text = pattern.sub(replacement, text)
    words: list[str] = []
    initials: list[str] = []
    for token in _SPLIT.split(text):
        if not token:
            continue
        if len(token) == 1 and token.isalpha():
            initials.append(token)
        elif token in TITLES or token in LEGAL_FORMS or token in PARTICLES or token.isdigit():
            continue
        else:
            words.append(token)
    return NameParts(words=tuple(sorted(set(words))), initials="".join(initials))


def collapsed(word: str) -> str:
    """A spelling-tolerant index form: 'ij'→'y', doubled letters once ('janssen'→'jansen')."""
    word = word.replace("ij", "y").replace("ph", "f").replace("ck", "k")
    out = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=400_000)
def word_keys(name: str) -> frozenset[str]:
    """Spelling-tolerant core words, to find names worth comparing in full."""
    return frozenset(collapsed(w) for w in name_parts(name).words)


def name_similarity(bank_name: str, contact_name: str) -> int:
    """0..100: how well the bank's name fits the customer's name (order-free, typo-tolerant)."""
    a, b = name_parts(bank_name), name_parts(contact_name)
    if a.empty or b.empty:
        return 0
    matched_a: set[str] = set()
    matched_b: set[str] = set()
    score_sum = 0.0
    for word in a.words:
        best, best_word = 0.0, ""
        for other in b.words:
            score = 100.0 if word == other else fuzz.ratio(word, other)
            if score > best:
                best, best_word = score, other
        if best >= TOKEN_MATCH:
            score_sum += best / 100
            matched_a.add(word)
            matched_b.add(best_word)
    if not matched_a:
        return 0
    quality = score_sum / len(matched_a)
    cov_a, penalty_a = _coverage(a.words, matched_a, b.initials)
    cov_b, penalty_b = _coverage(b.words, matched_b, a.initials)
    score = (
        100 * quality * (0.5 * min(cov_a, cov_b) + 0.5 * max(cov_a, cov_b)) - penalty_a - penalty_b
    )
    return max(0, min(100, round(score)))


def _coverage(words: tuple[str, ...], matched: set[str], initials: str) -> tuple[float, float]:
    """Share of `words` accounted for; a first name may be covered by the other side's initial.

    Several initials are normal (given names "J.F.M."), so one fitting initial is enough;
    initials that fit no remaining word while there is one cost points.
    """
    free = [w for w in words if w not in matched]
    hits = float(len(words) - len(free))
    penalty = 0.0
    if free and initials:
        if any(w[0] in initials for w in free):
            hits += 0.8
        else:
            penalty = 15.0
    return min(hits / len(words), 1.0), penalty
