"""``python -m kodebog.cli``: the same as the ``kodebog`` command."""

from __future__ import annotations

import sys

from kodebog.cli import main

sys.exit(main())
