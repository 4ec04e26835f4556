"""Licences per document in the built dataset: the `documents` rows, the card (which documents are under which
terms) and croissant.json, for a corpus that mixes a licensed document with one whose terms are unknown."""

from __future__ import annotations

import json

import datasets
import msgspec
import pytest

from aces.hf import croissant
from aces.hf.build import build
from aces.hf.card import card_license
from aces.hf.summary import Terms
from hf_samples import sample_records, write_corpus

ATTRIBUTION = "Prague Arabic Dependency Treebank 1.0 and UD Arabic-PADT (test)"


def licensed(records: list, licence: str, attribution: str | None) -> list:
    out = []
    for r in records:
        prov = msgspec.structs.replace(r.provenance, license=licence, attribution=attribution or msgspec.UNSET)
        out.append(msgspec.structs.replace(r, provenance=prov))
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("licences")
    first, *rest = sample_records()
    records = licensed([first], "unknown", None) + licensed(rest, "CC-BY-NC-SA-3.0", ATTRIBUTION)
    return build(write_corpus(root, records), root / "out"), records


def test_the_documents_config_carries_each_documents_licence(mixed) -> None:
    summary, records = mixed
    rows = datasets.load_dataset(str(summary.out_dir), "documents")
    got = {row["id"]: (row["provenance"]["license"], row["provenance"]["attribution"]) for s in rows for row in rows[s]}
    assert got == {
        r.id: (r.provenance.license, r.provenance.attribution if isinstance(r.provenance.attribution, str) else None)
        for r in records
    }


def test_the_card_says_which_documents_are_under_which_terms(mixed) -> None:
    summary, records = mixed
    card = (summary.out_dir / "README.md").read_text(encoding="utf-8")
    assert "\nlicense: unknown\n" in card  # one document's terms are unknown: the whole set cannot claim more
    section = card.split("## Licence", 1)[1].split("\n## ", 1)[0]
    assert "| `CC-BY-NC-SA-3.0` | 2 | [Creative Commons" in section and "| `unknown` | 1 |" in section
    cc = section.split("<code>CC-BY-NC-SA-3.0</code></summary>", 1)[1].split("</details>", 1)[0]
    assert sorted(x.strip() for x in cc.strip().split(",")) == sorted(r.id for r in records[1:])
    assert f"Attribution for `CC-BY-NC-SA-3.0`: {ATTRIBUTION}" in section


def test_croissant_lists_every_licence_and_still_validates(mixed) -> None:
    summary, _ = mixed
    meta = json.loads((summary.out_dir / croissant.FILENAME).read_text(encoding="utf-8"))
    assert meta["license"][0] == "https://creativecommons.org/licenses/by-nc-sa/3.0/"
    assert meta["license"][1].startswith("unknown: the terms of 1 document")
    assert croissant.check(summary.out_dir / croissant.FILENAME) == []


def test_the_first_screen_counts_documents_per_licence(mixed) -> None:
    summary, _ = mixed
    first = (summary.out_dir / "README.md").read_text(encoding="utf-8").split("## Configs", 1)[0]
    assert (
        "2 documents under CC-BY-NC-SA-3.0 (redistributable, with attribution, non-commercial use only, "
        "share-alike)." in first
    )
    assert "1 document under terms that are unknown (not cleared for redistribution)." in first


@pytest.mark.parametrize(
    ("licences", "expected"),
    [
        ({"CC-BY-NC-SA-3.0": ("a", "b")}, "cc-by-nc-sa-3.0"),
        ({"CC-BY-NC-SA-3.0": ("a",), "unknown": ("b",)}, "unknown"),
        ({"CC-BY-NC-SA-3.0": ("a",), "CC-BY-4.0": ("b",)}, "other"),
        ({"(not recorded)": ("a",)}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_the_cards_licence_field(licences: dict, expected: str) -> None:
    assert card_license(Terms(licences, {})) == expected
