"""The dataset card is read by huggingface_hub's own card classes and by `datasets`' own YAML parsers, offline."""

from __future__ import annotations

import datasets
import pytest
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs, known_task_ids
from huggingface_hub import DatasetCard, DatasetCardData

from aces.hf import rows as hf
from aces.hf.build import build, data_file
from aces.hf.card import class_labels
from aces.paths import repo_root
from aces.schema import CURRENT_VERSION, labels
from hf_samples import sample_records, write_corpus

DATASHEET = "# Datasheet: test corpus\n\n## Motivation\n\nWhy this corpus exists (a sentence only the datasheet has).\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("card")
    summary = build(write_corpus(root, sample_records(), datasheet=DATASHEET), root / "out")
    return summary, DatasetCard.load(summary.out_dir / "README.md")


def test_front_matter_has_the_hub_metadata(built):
    _, card = built
    data = card.data
    assert isinstance(data, DatasetCardData)
    assert data.language == ["ar"]
    assert data.license == "unknown"
    assert data.pretty_name.startswith("ACES")
    assert data.annotations_creators == ["machine-generated"]
    assert data.size_categories == ["n<1K"]
    assert set(data.task_categories) <= set(known_task_ids)
    assert "named-entity-recognition" in data.task_ids


def test_configs_declare_every_split_file_and_datasets_parses_them(built):
    summary, card = built
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    assert sorted(configs) == sorted(hf.CONFIGS)
    assert configs.get_default_config_name() == "documents"
    for config, meta in configs.items():
        files = {item["split"]: item["path"] for item in meta["data_files"]}
        assert files == {s: data_file(config, s) for s in ("train", "validation", "test")}
        assert all((summary.out_dir / path).is_file() for path in files.values())


def test_dataset_info_features_and_split_sizes_match_the_build(built):
    summary, card = built
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    for config in hf.CONFIGS:
        assert infos[config].features == hf.features(config, CURRENT_VERSION)
        assert {s: i.num_examples for s, i in infos[config].splits.items()} == summary.rows[config]
    names = infos["ner"].features["ner_tags"].feature.names
    assert names == labels().bio_labels


def test_card_round_trips_through_dataset_card_data(built):
    _, card = built
    again = DatasetCard(f"---\n{DatasetCardData(**card.data.to_dict()).to_yaml()}\n---\n{card.text}")
    assert again.data.to_dict() == card.data.to_dict()
    assert again.content == card.content


def test_body_carries_versions_splits_labels_and_the_datasheet(built):
    _, card = built
    body = card.text
    assert f"Schema version: **{CURRENT_VERSION}**" in body and "Corpus version: **0.3.0**" in body
    assert "sha256 of its id" in body  # how splits are assigned
    assert "a sentence only the datasheet has" in body
    assert "### Datasheet: test corpus" in body and "#### Motivation" in body  # demoted under ## Datasheet
    for name in labels().stance_polarities:
        assert f"`{name}`" in body
    assert "| `ner` | sentence | 3 | 3 | 3 |" in body


def test_a_build_without_datasheet_says_so(tmp_path):
    summary = build(write_corpus(tmp_path, sample_records()[:1]), tmp_path / "out")
    card = DatasetCard.load(summary.out_dir / "README.md")
    assert "_No datasheet at build time._" in card.text
    assert [c["config_name"] for c in card.data.configs] == ["documents", "events", "ner", "stance"]
    assert all([f["split"] for f in c["data_files"]] == ["train"] for c in card.data.configs)


def test_the_first_screen_says_who_annotated_and_that_licences_differ(built):
    _, card = built
    first_screen = card.text.split("## Configs", 1)[0]
    assert "The annotators are language-model instances, not people" in first_screen
    assert "no native speaker has reviewed" in first_screen and "Licences differ by document" in first_screen


def test_the_first_screen_gives_the_licence_situation_and_the_code_licence(built):
    _, card = built
    first_screen = card.text.split("## Configs", 1)[0]
    assert "3 documents under terms that are unknown (not cleared for redistribution)" in first_screen
    assert "Apache-2.0 (its `LICENSE` file)" in first_screen  # the repository has one: code, not texts


def test_the_citation_entry_has_author_title_year_version_and_url(built):
    _, card = built
    entry = card.text.split("```bibtex\n", 1)[1].split("```", 1)[0]
    assert entry.startswith("@misc{aces_2026_0_3_0,")
    for field in ("author = {{The ACES maintainers}}", "title = {{ACES: Arabic Corpus", "year = {2026}"):
        assert field in entry
    assert "version = {0.3.0}" in entry and "url = {https://huggingface.co/datasets/" in entry


def test_every_class_label_has_a_definition_per_name_from_labels_json(built):
    _, card = built
    section = card.text.split("## Labels", 1)[1].split("\n## ", 1)[0]
    for config in hf.CONFIGS:
        for column, label in class_labels(hf.features(config, CURRENT_VERSION)):
            table = section.split(f"`{config}.{column}`", 1)[1].split("\n\n", 2)[1]
            rows = [line.split(" | ") for line in table.splitlines()[2:]]
            assert [row[1].strip("`") for row in rows] == label.names, column
            assert all(row[2].strip(" |") for row in rows), f"{column}: a name without definition"
    assert labels().stance_polarities["NEUTRAL"] in section


def test_the_card_of_the_repository_datasheet_has_no_repository_maintenance(tmp_path):
    datasheet = (repo_root() / "DATASHEET.md").read_text(encoding="utf-8")
    summary = build(write_corpus(tmp_path, sample_records(), datasheet=datasheet), tmp_path / "out")
    text = (summary.out_dir / "README.md").read_text(encoding="utf-8")
    for repo_only in (".venv/bin", "--update-datasheet", "tests/test_datasheet.py", "repo-only"):
        assert repo_only not in text
    assert "Every corpus figure in this datasheet is computed from the corpus itself" in text
    assert "The repository's `LICENSE` is" in text  # the datasheet's licence section is kept


def test_split_sizes_are_those_datasets_computes(built, tmp_path):
    summary, card = built
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    for config in hf.CONFIGS:
        loaded = datasets.load_dataset(str(summary.out_dir), config, cache_dir=str(tmp_path / config))
        computed = {s: part.info.splits[s].num_bytes for s, part in loaded.items()}
        assert {s: i.num_bytes for s, i in infos[config].splits.items()} == computed, config
        assert infos[config].dataset_size == sum(computed.values())


def test_the_card_names_the_release_tag_of_its_version(built):
    from aces.versions.release import TAG_PREFIX

    _, card = built
    first_screen = card.text.split("## Configs", 1)[0]
    assert f"`{TAG_PREFIX}0.3.0` in the ACES repository" in first_screen and "Hub revision `v0.3.0`" in first_screen
