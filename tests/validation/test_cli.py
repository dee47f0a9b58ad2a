"""`python -m api.validation FILE…`: the report on the command line, exit 1 on a rejection."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.validation.__main__ import main
from tests.validation.conftest import EINVOICES, EXAMPLES, require_shared


def test_valid_file_exits_0_and_says_which_rules_ran(capsys: pytest.CaptureFixture[str]) -> None:
    require_shared(EXAMPLES)
    assert main([str(EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701_UBL.xml")]) == 0
    output = capsys.readouterr().out
    assert "VALIDE — UBL" in output
    assert "règles 1.4.0.01 (XSD-UBL-Invoice-2.1, EN16931-UBL, BR-FR-UBL)" in output


def test_rejected_and_refused_files_exit_1_with_their_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_shared(EINVOICES)
    not_xml = tmp_path / "note.txt"
    not_xml.write_text("Bonjour")
    assert main([str(EINVOICES / "cii/CII_example3.xml"), str(not_xml)]) == 1
    output = capsys.readouterr().out
    assert "REJETÉ — CII" in output
    assert "ERREUR BR-FR-08_BT-23:" in output
    assert "REFUSÉ [unsupported_format / FlowTypeError]" in output
