"""Whether a table column holds identifiers or contact data, by its name and by its content."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kodebog.i18n import N_, _, translate
from kodebog.privacy.detect import find_personal_data
from kodebog.privacy.names import NameList

_NAME = re.compile(
    r"e-?mail|\bmail|telefon|\btlf|phone|mobil|\bcpr|personn(?:umme)?r|fødselsdato|"
    r"birth|adresse|address|\bnavn\b|\bname\b|fornavn|efternavn|surname|\bip\b",
    re.IGNORECASE,
)
"""Column names of contact data and identifiers (``E-mail``, ``Telefon nr.``, ``CPR``,
``Fornavn``, ``Navn`` ...); ``Kommunenavn`` is not one of them."""

_KINDS = {"cpr": N_("CPR numbers"), "phone": N_("phone numbers"),
          "email": N_("e-mail addresses"), "name": N_("listed names")}


def personal_column(name: str, values: Iterable[str], names: NameList | None = None) -> str | None:
    """Why the column looks like identifiers or contact data, or None.

    By name (``e-mail``, ``telefon``, ``cpr``, ``navn`` ...), else by content: any value
    holding a CPR or phone number, an e-mail address or a name from ``names``.
    """
    match = _NAME.search(name)
    if match:
        return _("its name says {word}").format(word=match.group().strip().lower())
    distinct = dict.fromkeys(v for v in values if v)
    # One scan over the distinct values, a blank line between them (never joins numbers).
    hits = find_personal_data("\n\n".join(distinct), names)
    if not hits:
        return None
    kinds = [translate(_KINDS[k]) for k in dict.fromkeys(h.kind for h in hits)]
    if len(kinds) == 1:
        return _("it holds {kinds}").format(kinds=kinds[0])
    return _("it holds {kinds} and {last}").format(kinds=", ".join(kinds[:-1]), last=kinds[-1])
