"""The validation engine: intake, XML Schema, then the pinned Schematron rules run by saxonche.

One `Engine` per process. Thread-safety, as measured (bench/validation.py and the decision
record): the `PySaxonProcessor` and the compiled stylesheets are shared by every thread; the
stylesheets are compiled once (lazily, under a lock, ~0.5 s each); each thread runs its own
`clone()` of an executable, because an executable carries per-run state (parameters, the
context item); lxml `XMLSchema` objects keep an `error_log`, so each thread compiles its own.
saxonche releases the GIL while transforming, so two worker threads validate two flows at once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor

from api.validation import facts as invoice_facts
from api.validation.intake import DEFAULT_MAX_BYTES, read
from api.validation.pdf import pdf_findings
from api.validation.rules import (
    COMMON_RULE_FILES,
    RULES_DIR,
    RULES_RELEASE,
    RuleFile,
    SchemaFile,
    findings_from_svrl,
    rule_files_for,
    schema_for,
)
from api.validation.types import Finding, Report, Stage, Syntax

# The rule id of a rule file that stopped on a dynamic error instead of reporting.
RULES_NOT_APPLICABLE = "RULES-NOT-APPLICABLE"

_processor_lock = threading.Lock()
_processor: Any = None


def saxon_processor() -> Any:
    """The process's one `PySaxonProcessor` (SaxonC HE, no licence)."""
    global _processor
    with _processor_lock:
        if _processor is None:
            _processor = PySaxonProcessor(license=False)
        return _processor


class Engine:
    """Validates invoices (CII, UBL, Factur-X) and lifecycle messages (CDAR)."""

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES, rules_dir: Path = RULES_DIR) -> None:
        self.max_bytes = max_bytes
        self.rules_dir = rules_dir
        self.rules_release = RULES_RELEASE
        self._compile_lock = threading.Lock()
        self._compiled: dict[str, Any] = {}  # rule file name → PyXsltExecutable (never run)
        self._local = threading.local()

    def validate(
        self,
        content: bytes,
        *,
        declared_syntax: Syntax | None = None,
        filename: str | None = None,
    ) -> Report:
        """Validate one file. Synchronous and CPU-bound: call it from a thread, not the loop.

        Raises `Refused` (before any rule ran) for an empty, oversize, non-XML/PDF file, a DTD,
        malformed XML, an unknown document, or a syntax other than `declared_syntax`.
        `filename` is accepted for the callers' convenience and not used: the syntax is always
        read from the content, never from a name."""
        del filename
        parsed = read(content, declared_syntax=declared_syntax, max_bytes=self.max_bytes)
        facts = invoice_facts.extract(parsed.syntax, parsed.tree)
        root_name = etree.QName(parsed.tree.getroot()).localname
        schema = schema_for(parsed.syntax, root_name, facts.profile)
        findings = [] if parsed.pdf is None else pdf_findings(parsed.pdf, facts.profile)
        findings.extend(self._schema_findings(schema, parsed.tree))
        rule_files = rule_files_for(parsed.syntax, facts.profile)
        try:
            node = saxon_processor().parse_xml(xml_text=parsed.text)
        except PySaxonApiError as error:
            # lxml accepted the document; Saxon's parser is the stricter on a few edge cases.
            node = None
            for rule_file in rule_files:
                findings.append(_not_applicable(rule_file, "le fichier n'a pas pu être lu", error))
        if node is not None:
            for rule_file in rule_files:
                findings.extend(self._rule_findings(rule_file, node))
        return Report(
            syntax=parsed.syntax,
            profile=facts.profile,
            rules_release=self.rules_release,
            findings=tuple(findings),
            facts=facts,
            xml=parsed.xml,
            rule_sets=(
                *(() if parsed.pdf is None else ("Factur-X-PDF",)),
                schema.name,
                *(rule_file.name for rule_file in rule_files),
            ),
        )

    def _rule_findings(self, rule_file: RuleFile, node: Any) -> list[Finding]:
        executable = self._executable(rule_file)  # a compile failure is ours: it propagates
        try:
            svrl = executable.transform_to_string(xdm_node=node)
        except PySaxonApiError as error:
            # The official rules cast values without guarding them (`xs:double("abc")`): on a
            # value of the wrong type they stop with a dynamic error instead of reporting. The
            # file cannot be said to pass them, so it is rejected, saying why; the XSD finding on
            # the same value, when there is one, names the element.
            return [_not_applicable(rule_file, "une valeur n'a pas le type attendu", error)]
        return findings_from_svrl(svrl, rule_file.name)

    def warm_up(self, rule_files: tuple[RuleFile, ...] = COMMON_RULE_FILES) -> None:
        """Compile the rule files now rather than on the first flow that needs them (~0.5 s
        each, about 4 s for the common ones on a loaded core); a worker may call it in a thread
        at start-up."""
        for rule_file in rule_files:
            self._executable(rule_file)

    # --- per-thread resources ------------------------------------------------------------------

    def _executable(self, rule_file: RuleFile) -> Any:
        executables: dict[str, Any] = self._thread_state("executables")
        executable = executables.get(rule_file.name)
        if executable is None:
            executable = self._compiled_executable(rule_file).clone()
            executables[rule_file.name] = executable
        return executable

    def _compiled_executable(self, rule_file: RuleFile) -> Any:
        with self._compile_lock:
            compiled = self._compiled.get(rule_file.name)
            if compiled is None:
                xslt = saxon_processor().new_xslt30_processor()
                compiled = xslt.compile_stylesheet(
                    stylesheet_file=str(self.rules_dir / rule_file.path)
                )
                self._compiled[rule_file.name] = compiled
            return compiled

    def _schema_findings(self, schema_file: SchemaFile, tree: etree._ElementTree) -> list[Finding]:
        schemas: dict[str, etree.XMLSchema] = self._thread_state("schemas")
        schema = schemas.get(schema_file.name)
        if schema is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            schema = etree.XMLSchema(etree.parse(str(self.rules_dir / schema_file.path), parser))
            schemas[schema_file.name] = schema
        if schema.validate(tree):
            return []
        return [
            Finding(
                rule_id="XSD",
                fatal=True,
                location=f"ligne {error.line}, colonne {error.column}",
                message=error.message,
                stage=Stage.SCHEMA,
                rule_set=schema_file.name,
            )
            for error in schema.error_log
        ]

    def _thread_state(self, name: str) -> dict[str, Any]:
        state: dict[str, Any] | None = getattr(self._local, name, None)
        if state is None:
            state = {}
            setattr(self._local, name, state)
        return state


def _not_applicable(rule_file: RuleFile, reason: str, error: Exception) -> Finding:
    detail = " ".join(str(error).split())[:500]
    return Finding(
        rule_id=RULES_NOT_APPLICABLE,
        fatal=True,
        location="",
        message=f"Les règles {rule_file.name} n'ont pas pu être appliquées à ce fichier "
        f"({reason}) : {detail}",
        stage=Stage.RULES,
        rule_set=rule_file.name,
    )


_shared_lock = threading.Lock()
_shared: Engine | None = None


def shared_engine() -> Engine:
    """The process's engine: the worker and the tests share one, so each rule file is compiled
    once per process whoever validates first."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Engine()
        return _shared
