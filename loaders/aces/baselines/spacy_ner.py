"""spaCy NER: the shipped ``configs/ner.cfg`` trained on ``train``, the best step on ``validation`` kept.

Training is spaCy's own (``spacy.cli.train.train``, the function behind ``spacy train``) on the DocBins of
``aces export spacy``, with ``OVERRIDES`` for a longer run than the config's smoke-test budget. At prediction the
pipeline reads the raw text (``nlp(text)``): its own tokenizer, nothing from the annotations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from aces.baselines.inputs import with_mentions
from aces.paths import repo_root
from aces.record import Record

CONFIG = Path("configs") / "ner.cfg"
OVERRIDES = {
    "training.max_steps": 1500,
    "training.eval_frequency": 100,
    "components.tok2vec.model.encode.width": 96,
    "components.tok2vec.model.encode.depth": 2,
    "components.ner.model.hidden_width": 64,
    "training.dropout": 0.2,
}
"""Settings on top of ``configs/ner.cfg`` (kept small: CPU, minutes). The seed is the config's (``system.seed``)."""


class SpacyNER:
    def __init__(self, train: Sequence[Record], validation: Sequence[Record], workdir: Path) -> None:
        import spacy
        from spacy.cli.train import train as spacy_train

        import aces.text.clitics  # noqa: F401  (registers the config's tokenizer, aces.arabic_clitics.v1)
        from aces.convert.spacy_docbin import to_spacy

        forms = Counter((m.type, m.form) for r in train for m in r.entities)
        self.form = {t: max((n, f) for (tt, f), n in forms.items() if tt == t)[1] for t, _ in forms}
        train_bin = to_spacy(train, workdir / "train-docbin")["train"]
        dev_bin = to_spacy(validation, workdir / "dev-docbin")["validation"]
        overrides = {"paths.train": str(train_bin), "paths.dev": str(dev_bin), **OVERRIDES}
        spacy_train(_config(), workdir / "model", overrides=overrides, use_gpu=-1)
        self.nlp = spacy.load(workdir / "model" / "model-best")

    def predict(self, record: Record) -> Record:
        doc = self.nlp(record.text)
        spans = [(e.start_char, e.end_char, e.label_, self.form.get(e.label_, "NAM")) for e in doc.ents]
        return with_mentions(record, spans)


def _config() -> Path:
    return repo_root() / CONFIG
