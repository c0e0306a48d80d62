"""Read models without Textual: what the screens (and other front ends) show, as plain data.

Every function reads in its own session and returns data classes, so it is safe in a worker.
"""
