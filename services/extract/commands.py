"""`duban extract` and `duban eval`: file I/O around the pure pipeline (the CLI wires these in)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from services.extract.model import to_contract
from services.extract.pipeline import extract_text, extract_text_with_warnings
from services.ingest.readers import UnreadableDocument, read_document

FORMATS = ("jsonl",)


def run_extract(paths: list[str], fmt: str, stdout: TextIO, stderr: TextIO) -> int:
    """Print one contract JSON object per document of each file (PDF, DOCX, HTML or text; JSONL);
    warnings go to stderr. Returns 0, 1 when a file could not be read, 2 for an unknown format."""
    if fmt not in FORMATS:
        print(f"duban extract: unknown format {fmt!r} (known: {', '.join(FORMATS)})", file=stderr)
        return 2
    status = 0
    for name in paths:
        path = Path(name)
        try:
            read = read_document(path.read_bytes(), path.name)
        except OSError as error:
            print(f"duban extract: {name}: {error.strerror or error}", file=stderr)
            status = 1
            continue
        except UnreadableDocument as error:
            print(f"duban extract: {name}: {error.reason}", file=stderr)
            status = 1
            continue
        documents, warnings = extract_text_with_warnings(read.text, path.name)
        for warning in read.warnings:
            print(f"duban extract: warning: {path.name}: {warning}", file=stderr)
        for warning in warnings:  # the pipeline's warnings already name the file
            print(f"duban extract: warning: {warning}", file=stderr)
        if not documents:
            print(f"duban extract: warning: {path.name}: no document found", file=stderr)
        for document in documents:
            # check_circular=False: a contract object holds no cycles, so the encoder need not track them.
            stdout.write(json.dumps(to_contract(document), ensure_ascii=False, check_circular=False) + "\n")
    return status


def run_eval(gold_dir: str | Path, corpus_dir: str | Path, stdout: TextIO) -> int:
    """Print P/R/F1 per document, rendering and fact kind; 0 when every quality bar is met, else 1."""
    from services.extract.evaluate import evaluate  # only here: `duban extract` starts faster without it
    report = evaluate(Path(gold_dir), Path(corpus_dir), extract_text)
    stdout.write(report.table() + "\n")
    stdout.write(("all quality bars met" if report.passed else "some quality bars NOT met") + "\n")
    return 0 if report.passed else 1
