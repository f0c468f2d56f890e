"""Pacetray: a desktop tray client for 7pace Timetracker, and a local Timetracker server."""

__version__ = "0.1.0"
__homepage__ = (
    "https://github.com/pacetray/pacetray"  # pyproject and the metainfo say the same (tested)
)
