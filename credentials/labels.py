"""Display names of the registry's states and actions, in Chinese and English."""

from __future__ import annotations

from .models import PromotionState, ReviewStage

STATE_NAMES = {
    PromotionState.DRAFT: ("草稿", "draft"),
    PromotionState.SUBMITTED: ("待审核", "submitted"),
    PromotionState.UNDER_REVIEW: ("审核中", "under review"),
    PromotionState.APPROVED: ("已批准", "approved"),
    PromotionState.REJECTED: ("已驳回", "rejected"),
    PromotionState.RETURNED: ("已退回补充材料", "returned for more information"),
    PromotionState.WITHDRAWN: ("已撤回", "withdrawn"),
}
STAGE_NAMES = {ReviewStage.CITY: ("市级初审", "city first review"),
               ReviewStage.PROVINCE: ("省级审核", "provincial review")}
ACTION_NAMES = {
    "nominated": ("提名", "nominate"), "submitted": ("提交", "submit"), "resubmitted": ("重新提交", "resubmit"),
    "withdrawn": ("撤回", "withdraw"), "reviewed": ("受理审核", "take up for review"),
    "forwarded": ("初审通过并报送省级", "pass first review and forward"), "approved": ("批准", "approve"),
    "rejected": ("驳回", "reject"), "returned": ("退回补充材料", "return for more information"),
    "evidence": ("上传材料", "upload evidence"),
}
