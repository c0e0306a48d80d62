"""The TUI's screens: project, coding, find and help."""
