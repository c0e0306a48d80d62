"""kodebog: keyboard-first qualitative coding against a YAML codebook."""

__version__ = "0.1.0"
