"""The project database: models, engine setup and migrations."""

from kodebog.store.engine import Store, open_project, project_url, safe_url

__all__ = ["Store", "open_project", "project_url", "safe_url"]
