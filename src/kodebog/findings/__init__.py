"""Themes to findings: counts per group, co-occurrence and verified, attributed quotes.

``model`` holds the records, ``material`` loads and verifies what is in scope, ``aggregate``
counts, ``quotes`` chooses quotes, ``citations`` names them, ``statements`` reads and writes
the analyst's statements and ``checks`` looks for personal data in what a report shows.
"""

from __future__ import annotations

from kodebog.findings.aggregate import build_findings, order_values, summarise
from kodebog.findings.checks import check_personal_data, finding_texts
from kodebog.findings.citations import (
    KIND_PREFIX,
    attribution,
    citation,
    role_label,
    short_name,
    short_names,
)
from kodebog.findings.material import load_material, verify_codings
from kodebog.findings.model import (
    ROLE,
    ROLES,
    CodeRef,
    CodingRecord,
    CoOccurrence,
    Filters,
    Findings,
    GroupCount,
    GroupTotal,
    Material,
    ParticipantRef,
    PersonalDataError,
    Quote,
    QuoteError,
    Scope,
    SourceRef,
    Statement,
    Theme,
    UnitRecord,
    ValenceSide,
)
from kodebog.findings.quotes import choose_quotes
from kodebog.findings.statements import (
    FindingChange,
    FindingEdit,
    FindingState,
    read_finding,
    set_finding,
)

__all__ = [
    "KIND_PREFIX", "ROLE", "ROLES", "CoOccurrence", "CodeRef", "CodingRecord", "Filters",
    "FindingChange", "FindingEdit", "FindingState", "Findings", "GroupCount", "GroupTotal",
    "Material", "ParticipantRef", "PersonalDataError", "Quote", "QuoteError", "Scope",
    "SourceRef", "Statement", "Theme", "UnitRecord", "ValenceSide", "attribution", "build_findings",
    "check_personal_data", "choose_quotes", "citation", "finding_texts", "load_material",
    "order_values", "read_finding", "role_label", "set_finding", "short_name", "short_names",
    "summarise", "verify_codings",
]
