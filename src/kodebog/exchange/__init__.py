"""Interchange with other tools: REFI-QDA projects and codebooks (``refi*``) and codings CSV.

Report renderers (md, docx, html, xlsx, csv, json) live in ``kodebog.export``; its
``EXPORTERS`` dispatch ``.qdpx``/``.qdc`` to ``kodebog.exchange.refi``. Importing this package
stays light: each module imports its heavy dependencies itself.
"""
