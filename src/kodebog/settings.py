"""The user's settings file (coder name, theme, key remapping) in the platform config dir."""

from __future__ import annotations

import getpass
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kodebog.errors import KodebogError
from kodebog.i18n import _

ENV_CONFIG_DIR = "KODEBOG_CONFIG_DIR"
ENV_DATA_DIR = "KODEBOG_DATA_DIR"


def config_dir() -> Path:
    """Where settings live (``KODEBOG_CONFIG_DIR`` overrides the platform default)."""
    if override := os.environ.get(ENV_CONFIG_DIR):
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("kodebog"))


def data_dir() -> Path:
    """Where the demo project lives (``KODEBOG_DATA_DIR`` overrides the platform default)."""
    if override := os.environ.get(ENV_DATA_DIR):
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("kodebog"))


@dataclass
class Settings:
    """What the user chose once and kodebog remembers."""

    coder: str | None = None
    theme: str = "textual-dark"
    keys: dict[str, str] = field(default_factory=dict)  # action id -> key
    spacy_model: str | None = None
    suggestions: bool = True  # False: no suggestions panel work, no spaCy helper process
    semantic: bool = True  # False: no semantic tier even with kodebog[semantic] installed
    language: str | None = None  # "da" or "en"; None: KODEBOG_LANG, else Danish

    @property
    def path(self) -> Path:
        """The settings file."""
        return config_dir() / "settings.yaml"


def load_settings() -> Settings:
    """Read the settings file; defaults when there is none."""
    settings = Settings()
    path = settings.path
    if not path.exists():
        return settings
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise KodebogError(_("{path}: cannot read settings ({reason}); fix or delete it").format(
            path=path, reason=error)) from None
    if not isinstance(data, dict):
        raise KodebogError(_("{path}: settings must be a mapping; fix or delete it").format(
            path=path))
    known = set(asdict(settings))
    for key, value in data.items():
        if key in known:
            setattr(settings, key, value)
    if not isinstance(settings.keys, dict):
        raise KodebogError(_("{path}: 'keys' must map action ids to keys").format(path=path))
    if not isinstance(settings.suggestions, bool):
        raise KodebogError(_("{path}: '{name}' must be true or false").format(
            path=path, name="suggestions"))
    if not isinstance(settings.semantic, bool):
        raise KodebogError(_("{path}: '{name}' must be true or false").format(
            path=path, name="semantic"))

    return settings


def save_settings(settings: Settings) -> None:
    """Write the settings file (owner-readable only)."""
    path = settings.path
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {k: v for k, v in asdict(settings).items() if v not in (None, {})}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


def default_coder() -> str:
    """The coder to act as: ``KODEBOG_CODER``, else the settings file, else the login name."""
    if env := os.environ.get("KODEBOG_CODER"):
        return env
    settings = load_settings()
    if settings.coder:
        return settings.coder
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coder"
