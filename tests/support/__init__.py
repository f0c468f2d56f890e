"""Reusable helpers that start real processes for tests (X server, D-Bus buses).

They are plain context managers and classes, not fixtures, so every test folder can wrap them
in fixtures of the scope it needs (see tests/activity/conftest.py for an example).
"""
