"""The TUI's widgets, one per module, each owning its CSS."""
