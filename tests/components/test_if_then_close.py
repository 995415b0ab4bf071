"""``callcoach_if_then_close``: conditional closes.

The cases are data: ``cases/if_then_close.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "if_then_close"


def test_if_then_close_case(case, check_case):
    check_case(case)
