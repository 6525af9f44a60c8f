"""Bank names against customer names: legal forms, titles, initials, order, spelling."""

from __future__ import annotations

import pytest

from connector.reconcile.names import name_parts, name_similarity

SAME = [
    ("JANSEN ICT B.V.", "Jansen ICT"),
    ("MW L. VAN DIJK", "Lotte van Dijk"),
    ("Dijk, L. van", "Lotte van Dijk"),
    ("DHR J.F.M. JANSSEN", "Jan Jansen"),
    ("V.O.F. Smit & Zn", "Smit en Zonen VOF"),
    ("CELIK BOUW BV", "Çelik Bouw B.V."),
    ("Hr J F M Wacki en/of.Mw K Wacki-Blokland", "Karin Wacki"),
]
DIFFERENT = [
    ("J. de Vries", "Lotte de Vries"),
    ("Pieters Bouw", "Jansen ICT"),
    ("KPN B.V.", "Jansen ICT B.V."),
]


@pytest.mark.parametrize(("bank", "books"), SAME)
def test_same_party_scores_at_least_the_threshold(bank, books):
    assert name_similarity(bank, books) >= 70


@pytest.mark.parametrize(("bank", "books"), DIFFERENT)
def test_other_party_scores_below_the_threshold(bank, books):
    assert name_similarity(bank, books) < 70


def test_parts_drop_legal_forms_titles_and_particles():
    parts = name_parts("MW L. van der Meer Holding B.V.")
    assert parts.words == ("meer",)
    assert parts.initials == "l"


def test_empty_names_never_match():
    assert name_similarity("", "Jansen") == 0
    assert name_similarity("B.V.", "B.V.") == 0
