"""Inter-annotator agreement between two annotations (A, B) of the same documents.

``agree(a_records, b_records)`` returns one plain dict (JSON-ready, unrounded; ``None`` = undefined). B is
scored against A: ``precision = matched / b``, ``recall = matched / a``; F1 is symmetric, so swapping A and
B swaps precision and recall and leaves every F1, kappa and alpha unchanged. Counts are summed over all
compared documents before dividing (micro-average). Documents on one side only, or whose texts differ,
are listed in ``documents`` and not scored.

Layers and what counts as a match (see ``aces.versions.match``):

- mentions: ``exact`` (start, end, type), ``overlap`` (same type, spans overlap; greedy one-to-one by
  largest overlap), ``span`` (start, end; type ignored). On ``span`` matches: ``type_confusion[A][B]``,
  type accuracy and Cohen's kappa.
- clusters: MUC, B³, CEAF-e and CoNLL F1 (their mean) over the mentions matched by ``span``
  (``aces.evaluate.coreference`` has the definitions).
- events: ``trigger`` (trigger span and type), ``trigger_span`` (span only); ``arguments`` match inside
  ``trigger``-matched events: same role and matching reference; ``epistemic`` status accuracy and kappa on
  ``trigger``-matched events.
- stances: matched by holder and target (polarity ignored); ``polarity`` agreement on matched stances:
  observed agreement, Cohen's kappa, Krippendorff's alpha (nominal).

The counts are the scorer's (``aces.evaluate``: one matching and metric code path), with A as gold and B as
the prediction; what agreement adds is label agreement on the pairs and the overlap and confusion views.

Every label agreement block is ``{"pairs", "observed", "kappa"}`` (``observed`` = accuracy: the share of
matched pairs with the same label); every P/R/F1 block is ``{"a", "b", "matched", "precision", "recall",
"f1"}``; ``per_document`` holds each compared document's F1s, ``warnings`` references to ids a record lacks
(they match nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from aces import record as rec
from aces.evaluate.coreference import CorefCounts, count_coreference
from aces.evaluate.entities import EntityCounts, count_entities, type_order
from aces.evaluate.events import EventCounts, count_events
from aces.versions.match import DocAlignment, dangling_refs, mentions_overlap, pair_documents
from aces.versions.scores import PRF, cohen_kappa, krippendorff_alpha_nominal, observed_agreement

FORMAT = "aces-agree/1"


def _label_agreement(pairs: list[tuple[str, str]]) -> dict:
    return {"pairs": len(pairs), "observed": observed_agreement(pairs), "kappa": cohen_kappa(pairs)}


def agree(a_records: Iterable[rec.Record], b_records: Iterable[rec.Record]) -> dict:
    """Agreement of B against A over the documents both contain with the same text (module docstring)."""
    a_records, b_records = list(a_records), list(b_records)
    pairing = pair_documents(a_records, b_records)

    entities, coref, events = EntityCounts(), CorefCounts(), EventCounts()
    mention_overlap: Counter[str] = Counter()
    type_pairs: list[tuple[str, str]] = []
    coref_mentions = 0
    stances = PRF(0, 0, 0)
    polarity_pairs: list[tuple[str, str]] = []
    per_document = []
    warnings = []

    for a, b in pairing.pairs:
        for side, record in (("A", a), ("B", b)):
            warnings += [f"{side} {record.id}: {w} (it matches nothing)" for w in dangling_refs(record)]
        al = DocAlignment.of(a, b)

        doc_entities = count_entities(al)
        entities += doc_entities
        mention_overlap.update(x.type for x, _ in mentions_overlap(a.entities, b.entities))
        for am, bm in al.mention_span.items():
            type_pairs.append((al.a_index.mentions[am].type, al.b_index.mentions[bm].type))

        doc_coref = count_coreference(al, twinless=False)
        coref += doc_coref
        coref_mentions += len(al.mention_span)

        doc_events = count_events(al)
        events += doc_events

        stance_pairs = al.stances()
        doc_stances = PRF(len(stance_pairs), len(a.stances), len(b.stances))
        stances += doc_stances
        polarity_pairs += [(x.polarity, y.polarity) for x, y in stance_pairs]

        per_document.append(
            {
                "id": a.id,
                "mentions_f1": doc_entities.total.f1,
                "conll_f1": doc_coref.conll_f1,
                "trigger_f1": doc_events.trigger_classification.f1,
                "argument_f1": doc_events.argument_classification.f1,
                "stance_f1": doc_stances.f1,
            }
        )

    mention_a, mention_b, mention_exact = entities.gold, entities.pred, entities.exact
    types = type_order(a_records + b_records, mention_a.keys() | mention_b.keys(), every_known=True)
    pair_counts = Counter(type_pairs)
    types += sorted({t for pair in pair_counts for t in pair} - set(types))
    confusion: dict[str, dict[str, int]] = {}
    for ta in types:
        for tb in types:
            if pair_counts[ta, tb]:
                confusion.setdefault(ta, {})[tb] = pair_counts[ta, tb]

    total_a, total_b = sum(mention_a.values()), sum(mention_b.values())
    return {
        "format": FORMAT,
        "documents": {
            "a": len({r.id for r in a_records}),
            "b": len({r.id for r in b_records}),
            "compared": len(pairing.pairs),
            "only_a": pairing.only_a,
            "only_b": pairing.only_b,
            "not_comparable": pairing.not_comparable,
        },
        "mentions": {
            "exact": PRF(sum(mention_exact.values()), total_a, total_b).as_dict(),
            "overlap": PRF(sum(mention_overlap.values()), total_a, total_b).as_dict(),
            "span": entities.span.as_dict(),
            "per_type": {
                t: {
                    "exact": PRF(mention_exact[t], mention_a[t], mention_b[t]).as_dict(),
                    "overlap": PRF(mention_overlap[t], mention_a[t], mention_b[t]).as_dict(),
                }
                for t in types
            },
            "type_agreement": _label_agreement(type_pairs),
            "type_confusion": confusion,
        },
        "clusters": {
            "mentions": coref_mentions,
            "muc": coref.muc.as_dict(),
            "b3": coref.b_cubed.as_dict(),
            "ceafe": coref.ceaf_e.as_dict(),
            "conll_f1": coref.conll_f1,
        },
        "events": {
            "trigger": events.trigger_classification.as_dict(),
            "trigger_span": events.trigger_identification.as_dict(),
            "arguments": events.argument_classification.as_dict(),
            "epistemic": _label_agreement(events.epistemic_pairs),
        },
        "stances": {
            "detection": stances.as_dict(),
            "polarity": {
                **_label_agreement(polarity_pairs),
                "alpha": krippendorff_alpha_nominal(polarity_pairs),
            },
        },
        "per_document": per_document,
        "warnings": warnings,
    }
