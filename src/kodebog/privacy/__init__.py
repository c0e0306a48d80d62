"""Personal data: detection, name lists, pseudonymisation, the export guard, hostile files.

``detect`` finds CPR and phone numbers, e-mails and listed names in text; ``names`` reads
name lists; ``pseudonymisation`` replaces what is found (in text and in parsed sources);
``guard`` stops personal data from leaving in an export; ``safety`` guards against hostile
input files. The names others use are importable from here.
"""

from __future__ import annotations

from kodebog.privacy.detect import (
    CPR_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    PLACEHOLDERS,
    Hit,
    contains_personal_data,
    describe,
    find_personal_data,
)
from kodebog.privacy.guard import PersonalDataError, check_personal_data
from kodebog.privacy.names import (
    GENERATED_PSEUDONYM,
    MAX_NAMES_BYTES,
    NameList,
    NameListError,
    genitive,
    load_names,
)
from kodebog.privacy.pseudonymisation import pseudonymise, pseudonymise_source

__all__ = [
    "CPR_PLACEHOLDER",
    "EMAIL_PLACEHOLDER",
    "GENERATED_PSEUDONYM",
    "MAX_NAMES_BYTES",
    "PHONE_PLACEHOLDER",
    "PLACEHOLDERS",
    "Hit",
    "NameList",
    "NameListError",
    "PersonalDataError",
    "check_personal_data",
    "contains_personal_data",
    "describe",
    "find_personal_data",
    "genitive",
    "load_names",
    "pseudonymise",
    "pseudonymise_source",
]
