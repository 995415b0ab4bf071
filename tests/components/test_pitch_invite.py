"""``callcoach_pitch_invite``: buyer invitations to talk about the seller.

The cases are data: ``cases/pitch_invite.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "pitch_invite"


def test_pitch_invite_case(case, check_case):
    check_case(case)
