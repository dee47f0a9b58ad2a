"""The pinned rule files shipped in `rules/` and how their SVRL output becomes findings.

Which files run on a document depends on its syntax and on its profile (BT-24): the French
extended profile (`…extended-ctc-fr…`) replaces EN 16931 by its own rules. The files are the
FNFE-MPE / AIFE « France_RFE » release named in `RULES_RELEASE`; `rules/README.md` says where
they come from and how to upgrade them (docs/decisions/0004-validation-engine.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

from api.validation.types import Finding, Stage, Syntax

RULES_DIR: Final = Path(__file__).resolve().parent / "rules"
RULES_RELEASE: Final = "1.4.0.01"

_SVRL: Final = "http://purl.oclc.org/dsdl/svrl"
_SVRL_NS: Final = {"svrl": _SVRL}
EXTENDED_PROFILE_MARK: Final = "extended-ctc-fr"

# The prefixes of the standard's documents, to shorten SVRL locations for people.
_PREFIXES: Final = {
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
}
_QUALIFIED_STEP: Final = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\](\[1\](?=/|$))?")


@dataclass(frozen=True, slots=True)
class RuleFile:
    name: str  # shown in reports: "EN16931-CII", "BR-FR-CII", "CDAR"…
    path: str  # relative to RULES_DIR


@dataclass(frozen=True, slots=True)
class SchemaFile:
    name: str
    path: str


EN16931_CII: Final = RuleFile("EN16931-CII", "CII/EN16931/EN16931-CII-validation.xslt")
BR_FR_CII: Final = RuleFile("BR-FR-CII", "CII/EN16931/BR-FR-Flux2-Schematron-CII.xslt")
EXTENDED_CII: Final = RuleFile(
    "EXTENDED-CTC-FR-CII", "CII/EXTENDED-CTC-FR/EXTENDED-CTC-FR-CII.xslt"
)
BR_FR_CII_EXTENDED: Final = RuleFile(
    "BR-FR-CII-EXTENDED", "CII/EXTENDED-CTC-FR/BR-FR-Flux2-Schematron-CII.xslt"
)
EN16931_UBL: Final = RuleFile("EN16931-UBL", "UBL/EN16931/EN16931-UBL-validation.xslt")
BR_FR_UBL: Final = RuleFile("BR-FR-UBL", "UBL/EN16931/BR-FR-Flux2-Schematron-UBL.xslt")
EXTENDED_UBL: Final = RuleFile(
    "EXTENDED-CTC-FR-UBL", "UBL/EXTENDED-CTC-FR/EXTENDED-CTC-FR-UBL.xslt"
)
BR_FR_UBL_EXTENDED: Final = RuleFile(
    "BR-FR-UBL-EXTENDED", "UBL/EXTENDED-CTC-FR/BR-FR-Flux2-Schematron-UBL.xslt"
)
CDAR_RULES: Final = RuleFile("BR-FR-CDV", "CDAR/BR-FR-CDV-Schematron-CDAR.xslt")

ALL_RULE_FILES: Final = (
    EN16931_CII,
    BR_FR_CII,
    EXTENDED_CII,
    BR_FR_CII_EXTENDED,
    EN16931_UBL,
    BR_FR_UBL,
    EXTENDED_UBL,
    BR_FR_UBL_EXTENDED,
    CDAR_RULES,
)

# What nearly every flow needs: compiled at worker start-up (`Engine.warm_up`), the extended
# profile's files on first use.
COMMON_RULE_FILES: Final = (EN16931_CII, BR_FR_CII, EN16931_UBL, BR_FR_UBL, CDAR_RULES)

CII_SCHEMA: Final = SchemaFile("XSD-CII-D22B", "CII/xsd/CrossIndustryInvoice_100pD22B.xsd")
UBL_INVOICE_SCHEMA: Final = SchemaFile("XSD-UBL-Invoice-2.1", "UBL/xsd/maindoc/UBL-Invoice-2.1.xsd")
UBL_CREDIT_NOTE_SCHEMA: Final = SchemaFile(
    "XSD-UBL-CreditNote-2.1", "UBL/xsd/maindoc/UBL-CreditNote-2.1.xsd"
)
FACTURX_EN16931_SCHEMA: Final = SchemaFile(
    "XSD-Factur-X-EN16931", "Factur-X/xsd/Factur-X_EN16931.xsd"
)
EN16931_GUIDELINE: Final = "urn:cen.eu:en16931:2017"
CDAR_SCHEMA: Final = SchemaFile(
    "XSD-CDAR-D22B", "CDAR/xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
)


def is_extended(profile: str | None) -> bool:
    return profile is not None and EXTENDED_PROFILE_MARK in profile.lower()


def rule_files_for(syntax: Syntax, profile: str | None) -> tuple[RuleFile, ...]:
    if syntax is Syntax.CDAR:
        return (CDAR_RULES,)
    if syntax is Syntax.UBL:
        return (
            (EXTENDED_UBL, BR_FR_UBL_EXTENDED) if is_extended(profile) else (EN16931_UBL, BR_FR_UBL)
        )
    # CII, alone or as the XML of a Factur-X.
    return (EXTENDED_CII, BR_FR_CII_EXTENDED) if is_extended(profile) else (EN16931_CII, BR_FR_CII)


def schema_for(syntax: Syntax, root_local_name: str, profile: str | None = None) -> SchemaFile:
    """The XSD of a document. A Factur-X of the EN 16931 profile is held to the Factur-X
    EN 16931 schema (CII D22B restricted to that profile); other CII to CII D22B."""
    if syntax is Syntax.FACTURX and profile == EN16931_GUIDELINE:
        return FACTURX_EN16931_SCHEMA
    if syntax is Syntax.CDAR:
        return CDAR_SCHEMA
    if syntax is Syntax.UBL:
        return UBL_CREDIT_NOTE_SCHEMA if root_local_name == "CreditNote" else UBL_INVOICE_SCHEMA
    return CII_SCHEMA


def findings_from_svrl(svrl: str, rule_set: str) -> list[Finding]:
    """Every `failed-assert` and `successful-report` of an SVRL document, in document order.

    A finding is fatal when its `flag` (or, lacking one, its `role`) says `fatal` or `error`:
    EN 16931 marks warnings `flag="warning"`, the French rules mark every rule `fatal` (their
    `_WARNING` twins, not shipped, mark every rule `warning`)."""
    if "failed-assert" not in svrl and "successful-report" not in svrl:
        return []  # the usual case for a valid file: nothing to read among the fired rules
    # Our own transform's output, which quotes the file's values: entities stay off; a big
    # invoice gives a big report, hence huge_tree.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(svrl.encode("utf-8"), parser)
    findings: list[Finding] = []
    for element in root.iterchildren(f"{{{_SVRL}}}failed-assert", f"{{{_SVRL}}}successful-report"):
        severity = (element.get("flag") or element.get("role") or "fatal").strip().lower()
        text = element.find("svrl:text", _SVRL_NS)
        message = " ".join("".join(text.itertext()).split()) if text is not None else ""
        findings.append(
            Finding(
                rule_id=element.get("id") or _rule_id_from_message(message) or rule_set,
                fatal=severity in ("fatal", "error"),
                location=short_location(element.get("location") or ""),
                message=message,
                stage=Stage.RULES,
                rule_set=rule_set,
            )
        )
    return findings


def short_location(location: str) -> str:
    """`/*:Invoice[namespace-uri()='urn:…:Invoice-2'][1]/*:ID[namespace-uri()='…'][1]` →
    `/ubl:Invoice/cbc:ID`: prefixes of the standard, positions kept only when not the first."""

    def step(match: re.Match[str]) -> str:
        prefix = _PREFIXES.get(match.group(2))
        if prefix is None:
            return match.group(0)
        return f"{prefix}:{match.group(1)}"

    return _QUALIFIED_STEP.sub(step, location)


def _rule_id_from_message(message: str) -> str | None:
    # EN 16931 messages start with "[BR-CO-10]-…" when an assert has no id.
    if message.startswith("[") and "]" in message:
        return message[1 : message.index("]")]
    return None
