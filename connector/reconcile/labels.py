"""Rule: the words in front of a number say what it is ("factuur 41" vs "klantnr 41").

Reading backwards from a number, punctuation is skipped and up to three words (runs of
A-Z in the upper-cased buffer) are taken; number words ("nr", "nummer") are passed over
and the last two remaining words decide. A label for something else wins over an invoice
word. Only the 40 bytes before the number, within its own line, are read.

Why numpy: one regular expression per number costs ~5 µs, and a batch of 100,000 bank
lines has about 50,000 numbers. The word boundaries of all numbers are found at once
from two running maxima over the buffer; each word is encoded exactly as two integers
(five bits per letter, 12 letters each), so only the distinct words (a few thousand) are
looked up in the word lists in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connector.reconcile.textscan import TextBuffer

WINDOW = 40  # bytes read before a number
WORDS_READ = 3  # words taken backwards (number words included)
WORDS_USED = 2  # words that decide, after number words are passed over
_CODE_LETTERS = 12  # letters per 60-bit code; two codes hold a word of up to 24 letters

_OTHER, _LETTER, _DIGIT = 0, 1, 2
_KIND = np.zeros(256, dtype=np.int8)
_KIND[ord("A") : ord("Z") + 1] = _LETTER
_KIND[ord("0") : ord("9") + 1] = _DIGIT
_LETTER_CODE = np.zeros(256, dtype=np.uint64)
_LETTER_CODE[ord("A") : ord("Z") + 1] = np.arange(1, 27, dtype=np.uint64)

_INVOICE_WORDS = frozenset(
    (
        "FACTUUR",
        "FACTUREN",
        "FACTUURNR",
        "FACTUURNUMMER",
        "FACTUURNUMMERS",
        "FACT",
        "FACTNR",
        "FAC",
        "FCT",
        "FA",
        "F",
        "FNR",
        "FAKTUUR",
        "INV",
        "INVOICE",
        "INVOICES",
        "INVNR",
        "NOTA",
        "NOTANR",
        "REF",
        "REFERENTIE",
        "KENMERK",
        "BETALINGSKENMERK",
        "BETKENM",
        "KENM",
        "BETREFT",
        "BETR",
        "TERMIJN",
        "RE",
        "VF",
        "DEELBETALING",
    )
)
_NOT_INVOICE_WORDS = frozenset(
    (
        "KLANT",
        "KLANTNR",
        "KLANTNUMMER",
        "KLANTCODE",
        "KLANTREF",
        "DEBITEUR",
        "DEBITEURNR",
        "DEBITEURNUMMER",
        "DEB",
        "DEBNR",
        "RELATIE",
        "RELATIENR",
        "RELATIENUMMER",
        "LID",
        "LIDNR",
        "LIDNUMMER",
        "LIDMAATSCHAP",
        "KVK",
        "KVKNR",
        "BTW",
        "BTWNR",
        "POSTCODE",
        "POLIS",
        "POLISNR",
        "POLISNUMMER",
        "CONTRACT",
        "CONTRACTNR",
        "CONTRACTNUMMER",
        "ORDER",
        "ORDERNR",
        "ORDERNUMMER",
        "BESTELLING",
        "BESTELNR",
        "BESTELNUMMER",
        "MACHTIGING",
        "MANDAAT",
        "TEL",
        "TELEFOON",
        "KENTEKEN",
        "PAS",
        "TRANSACTIE",
        "TRANSACTIENR",
        "TRNSNR",
        "CUSTOMER",
        "ACCOUNT",
        "CLIENT",
        "DOSSIER",
        "DOSSIERNR",
        "ZAAK",
        "ZAAKNR",
        "ABONNEMENT",
        "ABONNEMENTSNR",
        "HUISNR",
        "HUISNUMMER",
        "ID",
        "BUS",
        "POSTBUS",
        "BSN",
        "PERSONEELSNR",
        "PERIODE",
        "JAAR",
        "KWARTAAL",
        "MAAND",
        "WEEK",
        "ORD",
        "ITEM",
        "ARTIKEL",
        "ARTIKELNR",
        "PROJECT",
        "PROJECTNR",
        "OFFERTE",
        "OFFERTENR",
        "AANSLAG",
        "AANSLAGNR",
        "AANSLAGNUMMER",
        "VOLGNR",
        "BOEKING",
    )
)
_NOT_INVOICE_PREFIXES = ("KLANT", "DEBITEUR", "RELATIE", "ORDER", "LIDMAAT", "POLIS", "CONTRACT")
_INVOICE_PREFIXES = ("FACTU", "FAKTU", "INVOICE", "BETALINGSKENM")
_NOT_INVOICE_SUFFIXES = (
    "STRAAT",
    "WEG",
    "LAAN",
    "PLEIN",
    "KADE",
    "GRACHT",
    "SINGEL",
    "STEEG",
    "HOF",
    "PARK",
)
_NUMBER_WORDS = frozenset(("NR", "NO", "NUM", "NUMMER", "NUMBER", "NUMBERS", "NRS", "NUMMERS"))


def word_label(word: str) -> int:
    """-1: labels something else, +1: an invoice word, 0: neither."""
    if (
        word in _NOT_INVOICE_WORDS
        or word.startswith(_NOT_INVOICE_PREFIXES)
        or word.endswith(_NOT_INVOICE_SUFFIXES)
    ):
        return -1
    if word in _INVOICE_WORDS or word.startswith(_INVOICE_PREFIXES):
        return 1
    return 0


def label_before(buffer: TextBuffer, starts: np.ndarray) -> np.ndarray:
    """+1 when the number starting at each of `starts` follows an invoice word, -1 when it
    follows a label for something else, else 0.

    "klant nr 12" → -1, "fact.nr. 12" → +1, "klantnummer F00224" → -1 (the "F" glued to
    the number is a word too), "betaling 12" → 0.
    """
    n = len(starts)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    word_start, word_end, present = _words_before(buffer, np.asarray(starts, dtype=np.int64))
    label, number_word = _word_facts(buffer, word_start[present], word_end[present])
    labels = np.zeros((n, WORDS_READ), dtype=np.int64)
    counted = np.zeros((n, WORDS_READ), dtype=bool)
    labels[present] = label
    counted[present] = ~number_word
    counted &= np.cumsum(counted, axis=1) <= WORDS_USED
    against = (counted & (labels < 0)).any(axis=1)
    invoice = (counted & (labels > 0)).any(axis=1)
    out[invoice] = 1
    out[against] = -1
    return out


def _words_before(
    buffer: TextBuffer, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Byte spans [start, end) of the up to three words before each start, nearest first,
    and which exist. A digit ends the reading (a number in between belongs to something
    else), and so do the window's and the line's edge."""
    data = buffer.data
    low = np.maximum(buffer.starts[buffer.row_of(starts)], starts - WINDOW)
    shape = (len(starts), WORDS_READ)
    word_start = np.zeros(shape, dtype=np.int64)
    word_end = np.zeros(shape, dtype=np.int64)
    present = np.zeros(shape, dtype=bool)
    cursor = starts.copy()  # everything from here on has been read
    alive = np.arange(len(starts))
    for k in range(WORDS_READ):
        end = _back_over(data, cursor[alive] - 1, low[alive], _OTHER)
        found = end >= low[alive]
        found[found] = _KIND[data[end[found]]] == _LETTER
        alive, end = alive[found], end[found]
        begin = _back_over(data, end, low[alive], _LETTER) + 1
        word_start[alive, k], word_end[alive, k], present[alive, k] = begin, end + 1, True
        cursor[alive] = begin
    return word_start, word_end, present


def _back_over(data: np.ndarray, position: np.ndarray, low: np.ndarray, kind: int) -> np.ndarray:
    """From each position leftwards: the first byte not of `kind`, or low - 1 when all of
    [low, position] are. Steps only the rows still moving (a word is a few bytes)."""
    position = position.copy()
    moving = np.flatnonzero(position >= low)
    while len(moving):
        moving = moving[_KIND[data[position[moving]]] == kind]
        position[moving] -= 1
        moving = moving[position[moving] >= low[moving]]
    return position


def _word_facts(
    buffer: TextBuffer, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(word_label, is a number word) for each word span; each distinct word looked up once.

    A word of up to 24 letters is encoded exactly as two integers (5 bits a letter); a
    longer one (rare) is looked up on its own.
    """
    if len(start) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    length = end - start
    data = buffer.data
    codes = [np.zeros(len(start), dtype=np.uint64), np.zeros(len(start), dtype=np.uint64)]
    longer = np.arange(len(start))  # the words with a j-th letter
    for j in range(2 * _CODE_LETTERS):
        longer = longer[length[longer] > j]
        if len(longer) == 0:
            break
        part = codes[j // _CODE_LETTERS]
        # letters shift in from the right, so equal codes of equal length are equal words
        part[longer] = part[longer] * np.uint64(32) + _LETTER_CODE[data[start[longer] + j]]
    long_word = length > 2 * _CODE_LETTERS
    first, _ = pd.factorize(
        np.where(long_word, -1 - np.arange(len(start)), codes[0].view(np.int64))
    )
    second, _ = pd.factorize(codes[1].view(np.int64))
    second = second.astype(np.int64) * (2 * _CODE_LETTERS + 2) + np.minimum(
        length, 2 * _CODE_LETTERS + 1
    )
    word_id, distinct = pd.factorize(first.astype(np.int64) * (int(second.max()) + 1) + second)
    where = np.zeros(len(distinct), dtype=np.int64)  # each word's first occurrence
    where[word_id[::-1]] = np.arange(len(start) - 1, -1, -1)
    table_label = np.zeros(len(distinct), dtype=np.int64)
    table_number = np.zeros(len(distinct), dtype=bool)
    raw = buffer.raw
    for k, at in enumerate(where.tolist()):
        word = raw[int(start[at]) : int(end[at])].decode("latin-1")
        table_label[k] = word_label(word)
        table_number[k] = word in _NUMBER_WORDS
    return table_label[word_id], table_number[word_id]
