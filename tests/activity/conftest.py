"""Fixtures for activity tests: a real Xvfb (RECORD on) per session, private D-Bus buses."""

from tests.support.fixtures import session_bus, system_bus, x11, xserver

__all__ = ["session_bus", "system_bus", "x11", "xserver"]
