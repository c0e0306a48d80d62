"""Where the bundled example material lives, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The folder holding ``codebooks/`` and ``transcripts/``.

    A wheel carries them in ``kodebog/data``; an editable install reads them from the
    repository root.
    """
    packaged = _PACKAGE / "data"
    if (packaged / "codebooks").is_dir():
        return packaged
    return _PACKAGE.parents[1]


def example_codebook() -> Path:
    """The example codebook, ``codebooks/jobcenter.yaml``."""
    return bundled_root() / "codebooks" / "jobcenter.yaml"


def example_transcripts() -> Path:
    """The example material folder, ``transcripts/``."""
    return bundled_root() / "transcripts"
