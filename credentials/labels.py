"""Display names of the registry's states and actions, in Chinese and English."""

from __future__ import annotations

from ladder.i18n import Text

from .models import PromotionState, ReviewStage

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
}
