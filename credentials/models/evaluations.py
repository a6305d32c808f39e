"""Comments of the province and the ministry on a campaign city's performance evaluation (plan 五, 第三阶段).

The scores themselves are never stored: they are computed for any date from the kept tallies and the scoring rule
(`credentials.queries.evaluation`), and the report says when and from what. A comment is what an officer wrote,
kept as written — never edited or removed, like a remark filed with a paper report — with the level it speaks for,
taken from the author's scope when it was written.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .campaigns import CampaignCity

COMMENT_MAX = 2000


class CommentLevel(enum.StrEnum):
    PROVINCE = "province"  # 省级人社部门
    MINISTRY = "ministry"  # 人社部


class EvaluationComment(Base):
    __tablename__ = "evaluation_comments"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_city_id: Mapped[int] = mapped_column(ForeignKey("campaign_cities.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level: Mapped[CommentLevel] = mapped_column(str_enum(CommentLevel))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign_city: Mapped[CampaignCity] = relationship()
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<EvaluationComment {self.id} city={self.campaign_city_id} {self.level.value}>"
