"""When did the user last touch the machine? Input sources, a probe, and the idle detector.

No Qt here. pynput is imported lazily by the sources that need it (it connects to X when
imported), so importing this package never needs a display.
"""

from app.activity.base import ActivitySource, SourceStatus
from app.activity.detector import BecameActive, BecameIdle, Event, IdleDetector, IdlePeriod, Slept
from app.activity.probe import ProbeResult, probe

__all__ = [
    "ActivitySource",
    "BecameActive",
    "BecameIdle",
    "Event",
    "IdleDetector",
    "IdlePeriod",
    "ProbeResult",
    "Slept",
    "SourceStatus",
    "probe",
]
