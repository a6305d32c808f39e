"""Oversight flags a bureau reviewed (the flags themselves are computed: credentials/queries/oversight.py).

A flag is named by a stable subject key ("multi_certificate:<worker>:<occupation>:<level>") and stands on its
records (certificates, sittings, nominations). A review keeps the key, the records it saw and their digest:
the flag shows as reviewed while its records are exactly those, and comes back when they change (a further
certificate, another sitting), with the earlier review beside it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow

NOTE_MAX = 500


class FlagKind(enum.StrEnum):
    NOMINATION_QUOTA = "nomination_quota"  # exceptional + level-skipping nominations a year over the quota
    PASS_RATE = "pass_rate"  # noqa: S105 - an institution's pass rate far above the region's (no password)
    BEFORE_LAPSE = "before_lapse"  # certificates issued in an accreditation's last days before it lapsed
    MULTI_CERTIFICATE = "multi_certificate"  # 一人多证: several valid certificates of one occupation and level
    REPEAT_SITTING = "repeat_sitting"  # 重复考证: a sitting at a level already held in the occupation


class ReviewOutcome(enum.StrEnum):
    EXPLAINED = "explained"  # looked into: the records have an innocent explanation
    ACTION_TAKEN = "action_taken"  # looked into: the bureau acted (a revocation, an inspection, a warning)


class FlagReview(Base):
    __tablename__ = "flag_reviews"
    __table_args__ = (
        UniqueConstraint("region_code", "subject_key", "records_digest"),
        CheckConstraint("length(note) > 0", name="note_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FlagKind] = mapped_column(str_enum(FlagKind))
    subject_key: Mapped[str] = mapped_column(String(120), index=True)
    # sha256 of the sorted record references ("certificate:12", "sitting:40", ...), and those references
    records_digest: Mapped[str] = mapped_column(String(64))
    records: Mapped[list[str]]
    # The reviewing bureau's region (a city's 4 digits, a province's 2): the ministry observes and reviews none.
    region_code: Mapped[str] = mapped_column(String(4), index=True)
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome))
    note: Mapped[str] = mapped_column(String(NOTE_MAX))
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewed_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<FlagReview {self.id} {self.subject_key}>"
