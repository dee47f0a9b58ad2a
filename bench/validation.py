"""Validation throughput: the engine against bare saxonche running the same rules, same run.

.venv/bin/python -m bench.validation [--rounds 5] [--threads 1 2]

Corpus: every invoice of `../shared/data/afnor/examples/` and `../shared/data/einvoices/` (CII,
UBL and Factur-X PDFs). For each thread count, in alternating rounds over the whole corpus:
  1. the engine: `Engine.validate(file)`, everything a flow goes through (size and DTD checks,
     PDF extraction, lxml parse, XSD, facts, both rule sets, SVRL turned into findings);
  2. the baseline: bare saxonche, one `PySaxonProcessor`, the same two compiled rule files per
     syntax (EN 16931 + BR-FR), given the XML text already extracted, `transform_to_string`,
     nothing else.
Both sides compile their stylesheets before timing and use one executable clone per thread.
It also measures what the decision record says about threads: a compiled executable shared by
two threads against one clone per thread. Prints documents/s, ms per document and the ratio
engine/baseline (target ≥ 0.7). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

import facturx

from api.core.settings import PROJECT_ROOT
from api.validation import Engine, Syntax
from api.validation.engine import saxon_processor
from api.validation.rules import RULES_DIR, RuleFile, rule_files_for

SHARED = PROJECT_ROOT.parent / "shared" / "data"
FOLDERS = (SHARED / "afnor" / "examples", SHARED / "einvoices")


def corpus() -> list[tuple[bytes, Syntax, str]]:
    """(file, syntax, the XML as text) for every invoice of the shared data."""
    items: list[tuple[bytes, Syntax, str]] = []
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".pdf":
                content = path.read_bytes()
                xml = facturx.get_xml_from_pdf(BytesIO(content), check_xsd=False)[1]
                items.append((content, Syntax.FACTURX, xml.decode("utf-8-sig")))
            elif path.suffix == ".xml" and "CDV" not in path.name:
                content = path.read_bytes()
                syntax = Syntax.UBL if b"ubl:schema:xsd" in content[:2000] else Syntax.CII
                items.append((content, syntax, content.decode("utf-8-sig")))
    return items


class BareSaxon:
    """The baseline: compiled rule files, one clone per thread, text in, SVRL string out."""

    def __init__(self, *, clone_per_thread: bool = True) -> None:
        self.processor = saxon_processor()
        self.compiled: dict[str, Any] = {}
        self.clone_per_thread = clone_per_thread
        self.local = threading.local()

    def compile(self, rule_file: RuleFile) -> Any:
        if rule_file.name not in self.compiled:
            xslt = self.processor.new_xslt30_processor()
            self.compiled[rule_file.name] = xslt.compile_stylesheet(
                stylesheet_file=str(RULES_DIR / rule_file.path)
            )
        return self.compiled[rule_file.name]

    def executable(self, rule_file: RuleFile) -> Any:
        if not self.clone_per_thread:
            return self.compiled[rule_file.name]
        clones: dict[str, Any] = self.local.__dict__.setdefault("clones", {})
        if rule_file.name not in clones:
            clones[rule_file.name] = self.compiled[rule_file.name].clone()
        return clones[rule_file.name]

    def run(self, syntax: Syntax, text: str) -> int:
        node = self.processor.parse_xml(xml_text=text)
        size = 0
        for rule_file in rule_files_for(syntax, None):
            size += len(self.executable(rule_file).transform_to_string(xdm_node=node))
        return size


def timed_round(
    work: Callable[[int], object], count: int, pool: ThreadPoolExecutor | None
) -> float:
    """Documents per second over one pass of `count` documents, on `pool`'s threads (long-lived,
    as a worker's: each keeps its executable clones and schemas) or on this thread."""
    start = time.perf_counter()
    if pool is None:
        for index in range(count):
            work(index)
    else:
        list(pool.map(work, range(count)))
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="sys.setswitchinterval (s): how long a thread back from saxonche may wait for the GIL",
    )
    arguments = parser.parse_args()
    if arguments.switch_interval:
        sys.setswitchinterval(arguments.switch_interval)

    print(
        f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms"
    )
    documents = corpus()
    if not documents:
        raise SystemExit(f"no invoice found under {', '.join(map(str, FOLDERS))}")
    engine = Engine()
    bare = BareSaxon()
    shared = BareSaxon(clone_per_thread=False)
    start = time.perf_counter()
    for content, syntax, text in documents:
        for rule_file in rule_files_for(syntax, None):
            bare.compile(rule_file)
            shared.compiled[rule_file.name] = bare.compiled[rule_file.name]
        engine.validate(content)
        bare.run(syntax, text)
    print(
        f"corpus: {len(documents)} invoices; warm-up (compiling 4 rule files twice, one run "
        f"each): {time.perf_counter() - start:.1f} s"
    )

    def engine_work(index: int) -> object:
        return engine.validate(documents[index][0])

    def bare_work(index: int) -> object:
        _, syntax, text = documents[index]
        return bare.run(syntax, text)

    def shared_work(index: int) -> object:
        _, syntax, text = documents[index]
        return shared.run(syntax, text)

    count = len(documents)
    print(
        f"{'threads':>7} {'engine doc/s':>13} {'bare doc/s':>11} {'ratio':>6} "
        f"{'engine ms/doc':>14} {'bare ms/doc':>12}"
    )
    single: dict[str, float] = {}
    for threads in arguments.threads:
        pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
        timed_round(bare_work, count, pool)  # each pool thread clones and compiles its own
        timed_round(shared_work, count, pool)
        timed_round(engine_work, count, pool)
        engine_rates: list[float] = []
        bare_rates: list[float] = []
        for _ in range(arguments.rounds):  # alternate, so load changes hit both sides alike
            bare_rates.append(timed_round(bare_work, count, pool))
            engine_rates.append(timed_round(engine_work, count, pool))
        engine_rate = statistics.median(engine_rates)
        bare_rate = statistics.median(bare_rates)
        if threads == 1:
            single = {"engine": engine_rate, "bare": bare_rate}
        print(
            f"{threads:>7} {engine_rate:>13.1f} {bare_rate:>11.1f} "
            f"{engine_rate / bare_rate:>6.2f} {1000 * threads / engine_rate:>14.1f} "
            f"{1000 * threads / bare_rate:>12.1f}"
        )
        if threads > 1 and single:
            print(
                f"        {threads} threads / 1 thread: engine "
                f"{engine_rate / single['engine']:.2f}x, bare {bare_rate / single['bare']:.2f}x"
            )

        if threads == 2 and pool is not None:
            cloned = statistics.median(
                timed_round(bare_work, count, pool) for _ in range(arguments.rounds)
            )
            one = statistics.median(
                timed_round(shared_work, count, pool) for _ in range(arguments.rounds)
            )
            print(
                f"        bare, 2 threads: one clone per thread {cloned:.1f} doc/s, one "
                f"executable shared by both {one:.1f} doc/s"
            )
        if pool is not None:
            pool.shutdown()


if __name__ == "__main__":
    main()
