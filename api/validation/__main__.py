"""Validate files from the command line: `python -m api.validation FILE [FILE…]`.

Prints, per file, the syntax, profile, rule-set release and every finding (or the refusal);
exits 1 when a file is refused or has a fatal finding. The same engine as the flows worker.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.validation import Refused, Syntax, shared_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.validation", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--syntax", choices=[syntax.value for syntax in Syntax], help="the declared flowSyntax"
    )
    arguments = parser.parse_args(argv)
    declared = Syntax(arguments.syntax) if arguments.syntax else None
    engine = shared_engine()
    failed = False
    for path in arguments.files:
        try:
            report = engine.validate(path.read_bytes(), declared_syntax=declared)
        except Refused as refused:
            print(f"{path}: REFUSÉ [{refused.code} / {refused.reason_code}] {refused.message}")
            failed = True
            continue
        verdict = "VALIDE" if report.valid else "REJETÉ"
        syntax = report.syntax.value if report.syntax else "?"
        print(
            f"{path}: {verdict} — {syntax}, profil {report.profile or '?'}, règles "
            f"{report.rules_release} ({', '.join(report.rule_sets)})"
        )
        for finding in report.findings:
            level = "ERREUR " if finding.fatal else "ALERTE "
            print(f"  {level}{finding.rule_id}: {finding.message}")
            print(f"         à {finding.location}")
        failed = failed or not report.valid
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
