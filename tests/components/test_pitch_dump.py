"""``callcoach_pitch_dump``: the answer to a pitch_invite: pitch_dump, pitch_pivot or neither.

The cases are data: ``cases/pitch_dump.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "pitch_dump"


def test_pitch_dump_case(case, check_case):
    check_case(case)
