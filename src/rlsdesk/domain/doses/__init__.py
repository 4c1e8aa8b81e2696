"""Dose checking (brief 13.1-13.3): read each dose, convert salts, add up, compare with limits."""

from rlsdesk.domain.doses.review import NOT_CHECKED, DoseReview, review_doses

__all__ = ["NOT_CHECKED", "DoseReview", "review_doses"]
