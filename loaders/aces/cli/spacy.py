"""``aces export spacy``, ``aces import spacy`` and ``aces show``: thin wrappers over the converter and renderer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from aces import record as rec
from aces.cli.options import CORPUS, corpus_records
from aces.convert.spacy_docbin import ConversionError, docbin_files, read_records, to_spacy


@click.command("spacy")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory.")
@click.option(
    "--docs-per-file",
    type=click.IntRange(min=1),
    default=None,
    help="Write each split as OUT/<split>/<split>-00000.spacy, … of at most N docs each (memory stays flat in the "
    "corpus size; `spacy train --paths.train OUT/train` reads the folder). Default: one OUT/<split>.spacy.",
)
@CORPUS
def export_spacy(out_dir: Path, docs_per_file: int | None, corpus: Path | None) -> None:
    """One DocBin per split (OUT/train.spacy, …) with every gold span on token boundaries."""
    counts: dict[str, list[int]] = {}  # split → docs, mentions, triggers, evidence spans

    def counted() -> Iterator[rec.Record]:  # records stream through: none is kept once its Doc is written
        for r in corpus_records(corpus):
            c = counts.setdefault(r.split, [0, 0, 0, 0])
            c[0] += 1
            c[1] += len(r.entities)
            c[2] += len(r.events)
            c[3] += sum(len(s.evidence) for s in r.stances)
            yield r

    try:
        written = to_spacy(counted(), out_dir, docs_per_file)
    except ConversionError as err:
        raise click.ClickException(str(err)) from err
    for split, path in written.items():
        docs, mentions, events, evidence = counts[split]
        files = f" ({len(docbin_files(path))} files)" if path.is_dir() else ""
        click.echo(f"{path}{files}: {docs} docs, {mentions} mentions, {events} triggers, {evidence} evidence spans")


@click.command("spacy")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="JSONL file to write.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def import_spacy(source: Path, out: Path, force: bool) -> None:
    """Read the DocBins of SOURCE (a directory from `aces export spacy`, or one .spacy file) back into records.

    Every record is checked before OUT is replaced: a span or user_data field that cannot be placed, a document
    twice, an unsafe id or a record that does not validate (levels 1-4) writes nothing and exits 1, saying where
    (file:n [id], n = the Doc's number in its DocBin)."""
    if out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it")
    count = 0

    def counted(records: Iterable[rec.Record]) -> Iterator[rec.Record]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    out.parent.mkdir(parents=True, exist_ok=True)
    try:  # streamed, file by file: memory stays flat however large the export; OUT is replaced only at the end
        rec.write_jsonl(counted(read_records(source)), out)
    except ConversionError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"{out}: {count} records")


@click.command("show")
@click.argument("doc_id")
@click.option("--html", "html_out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Output.")
@CORPUS
def show_cmd(doc_id: str, html_out: Path, corpus: Path | None) -> None:
    """Render gold document DOC_ID right-to-left with its entities, events and stances highlighted."""
    from aces.report.document import document_page

    seen = []
    for record in corpus_records(corpus):
        if record.id == doc_id:
            html_out.parent.mkdir(parents=True, exist_ok=True)
            html_out.write_text(document_page(record), encoding="utf-8")
            click.echo(f"{html_out}: {doc_id}, {len(record.entities)} mentions, {len(record.events)} events")
            return
        seen.append(record.id)
    known = ", ".join(seen[:10]) + (" …" if len(seen) > 10 else "")
    raise click.ClickException(f"no document {doc_id!r} in the corpus; known ids: {known or 'none'}")
