"""``callcoach_buyer_question``: seller questions about the buyer.

The cases are data: ``cases/buyer_question.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "buyer_question"


def test_buyer_question_case(case, check_case):
    check_case(case)
