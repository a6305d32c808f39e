"""The province's and the ministry's comments on a campaign city's performance evaluation (plan 五, 第三阶段).

A comment is written from the first day of the campaign's evaluation phase on (`evaluation_opens_on`), speaks for
the level of its author's bureau (a province officer for the province, a ministry officer for the ministry), and is
kept as written: there is no editing or removing one, as with a remark filed on a paper report. Audited, flushed,
never committed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_today
from ..errors import Forbidden, ValidationFailed
from ..models import BureauScope, CampaignCity, CommentLevel, EvaluationComment, User
from ..models.evaluations import COMMENT_MAX
from ..permissions import may_comment_on_evaluation
from ..queries.evaluation import evaluation_opens_on
from .audit import record


def add_comment(session: Session, campaign_city: CampaignCity, *, text: str, by: User,
                today: date | None = None) -> EvaluationComment:
    """`by`'s comment on the city's evaluation: an officer of the city's province, or the ministry."""
    if not may_comment_on_evaluation(by, campaign_city.city_code):
        raise Forbidden("action")
    opens_on = evaluation_opens_on(campaign_city.campaign)
    if (today or china_today()) < opens_on:
        raise ValidationFailed("binding", field="text", reason=Text(
            f"绩效评估阶段自 {opens_on} 开始，届时才能填写评语", f"comments open with the evaluation phase on {opens_on}"))
    text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if not text:
        raise ValidationFailed("required", field="text")
    if len(text) > COMMENT_MAX:
        raise ValidationFailed("binding", field="text", reason=Text(f"评语最多 {COMMENT_MAX} 个字",
                                                                    f"a comment has at most {COMMENT_MAX} characters"))
    level = CommentLevel.MINISTRY if by.bureau_scope is BureauScope.MINISTRY else CommentLevel.PROVINCE
    comment = EvaluationComment(campaign_city_id=campaign_city.id, author_id=by.id, level=level, text=text)
    session.add(comment)
    session.flush()
    record(session, actor=by, action="campaign.evaluation_commented", entity_type="campaign_city",
           entity_id=campaign_city.id, after={"comment_id": comment.id, "city": campaign_city.city_code,
                                              "level": level.value, "text": text})
    return comment
