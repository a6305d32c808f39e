"""Display names of the registry's states and actions, in Chinese and English."""

from __future__ import annotations

from ladder.frameworks import get_level
from ladder.i18n import Text

from .models import ApplicationState, CertificateKind, PromotionState, ReviewStage, SittingOutcome

STATE_NAMES = {
    PromotionState.DRAFT: Text("草稿", "draft"),
    PromotionState.SUBMITTED: Text("待审核", "submitted"),
    PromotionState.UNDER_REVIEW: Text("审核中", "under review"),
    PromotionState.APPROVED: Text("已批准", "approved"),
    PromotionState.REJECTED: Text("已驳回", "rejected"),
    PromotionState.RETURNED: Text("已退回补充材料", "returned for more information"),
    PromotionState.WITHDRAWN: Text("已撤回", "withdrawn"),
}
STAGE_NAMES = {ReviewStage.CITY: Text("市级初审", "city first review"),
               ReviewStage.PROVINCE: Text("省级审核", "provincial review")}
ACTION_NAMES = {
    "nominated": Text("提名", "nominate"), "submitted": Text("提交", "submit"), "resubmitted": Text("重新提交", "resubmit"),
    "withdrawn": Text("撤回", "withdraw"), "reviewed": Text("受理审核", "take up for review"),
    "forwarded": Text("初审通过并报送省级", "pass first review and forward"), "approved": Text("批准", "approve"),
    "rejected": Text("驳回", "reject"), "returned": Text("退回补充材料", "return for more information"),
    "evidence": Text("上传材料", "upload evidence"),
    "closed": Text("关闭（已另行取得该等级）", "close (the level was reached another way)"),
}
APPLICATION_STATE_NAMES = {
    ApplicationState.SUBMITTED: Text("待资格审核", "awaiting review"),
    ApplicationState.APPROVED: Text("审核通过，待安排考试", "qualified, awaiting a session"),
    ApplicationState.REFUSED: Text("审核未通过", "refused"),
    ApplicationState.SEATED: Text("已安排考试", "seated"),
    ApplicationState.PASSED: Text("已通过", "passed"),
    ApplicationState.FAILED: Text("未通过，可补考", "failed, may retake"),
    ApplicationState.INCOMPLETE: Text("成绩不完整", "incomplete"),
    ApplicationState.CLOSED: Text("已关闭", "closed"),
}
OUTCOME_NAMES = {
    SittingOutcome.PASSED: Text("通过", "passed"),
    SittingOutcome.FAILED: Text("未通过", "failed"),
    SittingOutcome.INCOMPLETE: Text("成绩不完整", "incomplete"),
    SittingOutcome.VOIDED: Text("已作废", "voided"),
}
CERTIFICATE_KIND_NAMES = {
    CertificateKind.SKILL_LEVEL: Text("职业技能等级证书", "skill level certificate"),
    CertificateKind.QUALIFICATION: Text("职业资格证书", "vocational qualification certificate"),
    CertificateKind.SPECIALISED: Text("专项职业能力证书", "specialised ability certificate"),
}
_LEVEL_DIGITS = "一二三四五"


def certificate_level_text(code: str, framework: str) -> str:
    """A level as the national certificate prints it (人社鉴发〔2021〕1号): 三级/高级工, 一级/高级技师; a level
    without a national digit by its name alone."""
    level = get_level(code, framework)
    return f"{_LEVEL_DIGITS[level.nat_digit - 1]}级/{level.short_zh}" if level.nat_digit else level.short_zh
