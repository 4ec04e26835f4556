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
  (``aces.versions.coref`` has the definitions).
- events: ``trigger`` (trigger span and type), ``trigger_span`` (span only); ``arguments`` match inside
  ``trigger``-matched events: same role and matching reference; ``epistemic`` status accuracy and kappa on
  ``trigger``-matched events.
- stances: matched by holder and target (polarity ignored); ``polarity`` agreement on matched stances:
  observed agreement, Cohen's kappa, Krippendorff's alpha (nominal).

Every label agreement block is ``{"pairs", "observed", "kappa"}`` (``observed`` = accuracy: the share of
matched pairs with the same label); every P/R/F1 block is ``{"a", "b", "matched", "precision", "recall",
"f1"}``; ``per_document`` holds each compared document's F1s, ``warnings`` references to ids a record lacks
(they match nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from aces import record as rec
from aces.schema import CURRENT_VERSION, labels
from aces.versions import coref
from aces.versions.match import (
    DocAlignment,
    dangling_refs,
    events_by_span,
    mentions_exact,
    mentions_overlap,
    pair_documents,
)
from aces.versions.scores import PRF, cohen_kappa, krippendorff_alpha_nominal, observed_agreement

FORMAT = "aces-agree/1"


def _entity_type_order(records: list[rec.Record], seen: Iterable[str]) -> list[str]:
    """Types in ``labels.json`` order, then any type the data uses that the inventory lacks (never dropped)."""
    version = records[0].schema_version if records else CURRENT_VERSION
    try:
        known = list(labels(version).entity_types)
    except KeyError:
        known = list(labels(CURRENT_VERSION).entity_types)
    return known + sorted(set(seen) - set(known))


def _label_agreement(pairs: list[tuple[str, str]]) -> dict:
    return {"pairs": len(pairs), "observed": observed_agreement(pairs), "kappa": cohen_kappa(pairs)}


def agree(a_records: Iterable[rec.Record], b_records: Iterable[rec.Record]) -> dict:
    """Agreement of B against A over the documents both contain with the same text (module docstring)."""
    a_records, b_records = list(a_records), list(b_records)
    pairing = pair_documents(a_records, b_records)

    mention_exact = Counter()
    mention_overlap = Counter()
    mention_a = Counter()
    mention_b = Counter()
    span = PRF(0, 0, 0)
    type_pairs: list[tuple[str, str]] = []
    muc = b3 = ceafe = coref.Ratios()
    coref_mentions = 0
    trigger = trigger_span = arguments = stances = PRF(0, 0, 0)
    epistemic_pairs: list[tuple[str, str]] = []
    polarity_pairs: list[tuple[str, str]] = []
    per_document = []
    warnings = []

    for a, b in pairing.pairs:
        for side, record in (("A", a), ("B", b)):
            warnings += [f"{side} {record.id}: {w} (it matches nothing)" for w in dangling_refs(record)]
        al = DocAlignment.of(a, b)

        mention_a.update(m.type for m in a.entities)
        mention_b.update(m.type for m in b.entities)
        exact_pairs = mentions_exact(a.entities, b.entities)
        mention_exact.update(x.type for x, _ in exact_pairs)
        mention_overlap.update(x.type for x, _ in mentions_overlap(a.entities, b.entities))
        span += PRF(len(al.mention_span), len(a.entities), len(b.entities))
        for am, bm in al.mention_span.items():
            type_pairs.append((al.a_index.mentions[am].type, al.b_index.mentions[bm].type))

        key, response = al.coref_partitions()
        doc_muc, doc_b3, doc_ceafe = coref.muc(key, response), coref.b_cubed(key, response), coref.ceaf_e(key, response)
        muc, b3, ceafe = muc + doc_muc, b3 + doc_b3, ceafe + doc_ceafe
        coref_mentions += len(al.mention_span)

        doc_trigger = PRF(len(al.event), len(a.events), len(b.events))
        trigger += doc_trigger
        trigger_span += PRF(len(events_by_span(a.events, b.events)), len(a.events), len(b.events))
        doc_args = PRF(0, sum(len(e.arguments) for e in a.events), sum(len(e.arguments) for e in b.events))
        for ae, be in al.event.items():
            x, y = al.a_index.events[ae], al.b_index.events[be]
            doc_args += PRF(len(al.arguments(x, y)), 0, 0)
            epistemic_pairs.append((x.epistemic.status, y.epistemic.status))
        arguments += doc_args

        stance_pairs = al.stances()
        doc_stances = PRF(len(stance_pairs), len(a.stances), len(b.stances))
        stances += doc_stances
        polarity_pairs += [(x.polarity, y.polarity) for x, y in stance_pairs]

        per_document.append(
            {
                "id": a.id,
                "mentions_f1": PRF(len(exact_pairs), len(a.entities), len(b.entities)).f1,
                "conll_f1": coref.conll_f1(doc_muc.f1, doc_b3.f1, doc_ceafe.f1),
                "trigger_f1": doc_trigger.f1,
                "argument_f1": doc_args.f1,
                "stance_f1": doc_stances.f1,
            }
        )

    types = _entity_type_order(a_records + b_records, mention_a.keys() | mention_b.keys())
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
            "span": span.as_dict(),
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
            "muc": muc.as_dict(),
            "b3": b3.as_dict(),
            "ceafe": ceafe.as_dict(),
            "conll_f1": coref.conll_f1(muc.f1, b3.f1, ceafe.f1),
        },
        "events": {
            "trigger": trigger.as_dict(),
            "trigger_span": trigger_span.as_dict(),
            "arguments": arguments.as_dict(),
            "epistemic": _label_agreement(epistemic_pairs),
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
