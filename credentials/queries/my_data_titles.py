"""Words for the export of everything held about a worker (credentials.queries.my_data): each table's title and
the common columns' names, in Chinese and English. A table or column added later, and not named here, still
shows — under a title made from its own name (`table_title`, `column_label`)."""

from __future__ import annotations

from ladder.i18n import Text

TABLE_TITLES = {
    "users": Text("账户", "Account"),
    "workers": Text("并入本档案的重复登记", "Duplicate registrations merged into your record"),
    "worker_target_groups": Text("就业扶持人群", "Target groups for training subsidies"),
    "worker_activations": Text("账户开通码", "Account activation codes"),
    "certificates": Text("职业技能等级证书", "Skill level certificates"),
    "certificate_evidence": Text("证书补录材料", "Evidence of certificates entered from paper"),
    "training_records": Text("培训记录", "Training"),
    "applications": Text("评价申报", "Applications for appraisal"),
    "appraisal_results": Text("评价成绩", "Appraisal results"),
    "result_corrections": Text("成绩更正", "Corrections of results"),
    "promotion_requests": Text("破格/越级申请", "Exceptional and level-skipping nominations"),
    "promotion_decisions": Text("申请审批记录", "Decisions on nominations"),
    "evidence": Text("申请材料", "Evidence of nominations"),
    "competition_results": Text("竞赛成绩", "Competition results"),
    "competition_promotions": Text("竞赛晋升", "Promotions by competition"),
    "honours": Text("荣誉", "Honours"),
    "allowances": Text("津贴", "Allowances"),
    "work_periods": Text("工作经历", "Work history"),
    "diplomas": Text("学历", "Diplomas"),
    "apprenticeships": Text("企业新型学徒", "Apprenticeships"),
    "professional_titles": Text("职称", "Professional titles"),
    "inbox_messages": Text("消息", "Messages"),
    "login_sessions": Text("登录记录", "Sign-ins"),
    "api_tokens": Text("接口令牌", "API tokens"),
    "share_links": Text("分享链接", "Share links"),
    "share_link_certificates": Text("分享的证书", "Certificates shared"),
    "correction_requests": Text("更正申请", "Requests for correction"),
    "correction_evidence": Text("更正申请材料", "Evidence of correction requests"),
    "record_amendments": Text("记录更正", "Amendments of your records"),
    "superseded_credentials": Text("已被替换的数字凭证", "Digital credentials replaced"),
    "worker_merges": Text("重复登记的合并", "Merges of duplicate registrations"),
    "dismissed_duplicates": Text("经核查并非重复的登记", "Registrations checked and found not duplicates"),
}

COLUMN_LABELS = {
    "id": Text("编号", "No."),
    "name": Text("姓名", "Name"),
    "id_masked": Text("身份证号（遮蔽）", "National ID (masked)"),
    "birth_date": Text("出生日期", "Birth date"),
    "gender": Text("性别", "Gender"),
    "city_code": Text("城市", "City"),
    "employer_id": Text("工作单位", "Employer"),
    "employer_name": Text("工作单位名称", "Employer's name"),
    "registered_by_institution_id": Text("登记机构", "Registered by"),
    "public_profile_consent": Text("同意公开展示", "Agreed to public pages"),
    "merged_into_id": Text("并入", "Merged into"),
    "username": Text("账号", "Account name"),
    "display_name": Text("显示名", "Display name"),
    "role": Text("角色", "Role"),
    "is_active": Text("有效", "Active"),
    "failed_logins": Text("连续登录失败次数", "Failed sign-ins in a row"),
    "locked_until": Text("锁定至", "Locked until"),
    "last_login_at": Text("最近登录", "Last sign-in"),
    "created_at": Text("创建时间", "Created"),
    "number": Text("证书编号", "Certificate number"),
    "occupation_id": Text("职业", "Occupation"),
    "level": Text("等级", "Level"),
    "target_level": Text("目标等级", "Target level"),
    "current_level": Text("原等级", "Level held"),
    "issued_on": Text("发证日期", "Issued on"),
    "institution_id": Text("机构", "Institution"),
    "route": Text("途径", "Route"),
    "status": Text("状态", "Status"),
    "state": Text("状态", "State"),
    "revoked_at": Text("撤销时间", "Revoked"),
    "revocation_reason": Text("撤销原因", "Reason for revocation"),
    "reason": Text("原因", "Reason"),
    "started_on": Text("开始日期", "Started"),
    "ended_on": Text("结束日期", "Ended"),
    "completed_on": Text("结业日期", "Completed"),
    "exam_date": Text("考试日期", "Exam date"),
    "theory_score": Text("理论成绩", "Theory score"),
    "practical_score": Text("操作成绩", "Practical score"),
    "review_score": Text("综合评审", "Review score"),
    "passed": Text("通过", "Passed"),
    "outcome": Text("结果", "Outcome"),
    "hours": Text("学时", "Hours"),
    "title": Text("称号", "Title"),
    "year": Text("年度", "Year"),
    "awarding_body": Text("授予单位", "Awarded by"),
    "amount": Text("金额", "Amount"),
    "rank": Text("名次", "Rank"),
    "medal": Text("奖牌", "Medal"),
    "code": Text("消息类型", "Message"),
    "params": Text("内容", "Content"),
    "read_at": Text("阅读时间", "Read"),
    "original_name": Text("文件名", "File name"),
    "size": Text("大小（字节）", "Size (bytes)"),
    "recorded_by_id": Text("记录人", "Recorded by"),
    "attested_by_id": Text("证实人", "Attested by"),
    "decided_by_id": Text("决定人", "Decided by"),
    "nominated_by_id": Text("提名人", "Nominated by"),
    "submitted_by_id": Text("提交人", "Submitted by"),
    "reviewed_by_id": Text("审核人", "Reviewed by"),
    "actor_id": Text("操作人", "By"),
    "uploaded_by_id": Text("上传人", "Uploaded by"),
    "issued_by_id": Text("签发人", "Issued by"),
    "entered_by_id": Text("录入人", "Entered by"),
    "expires_at": Text("到期时间", "Expires"),
    "used_at": Text("使用时间", "Used"),
    "worker_id": Text("劳动者编号", "Worker no."),
    "user_id": Text("账户编号", "Account no."),
    "group": Text("人群", "Group"),
    "valid_from": Text("起始日期", "From"),
    "valid_until": Text("截止日期", "Until"),
    "number_scheme": Text("编号规则", "Numbering scheme"),
    "kind": Text("类别", "Kind"),
    "framework": Text("等级体系", "Level framework"),
    "is_historic": Text("历史证书补录", "Entered from paper"),
    "needs_review": Text("待核对", "To be checked"),
    "attestation": Text("证实情况", "Attestation"),
    "grounds": Text("理由", "Grounds"),
    "statement": Text("事迹", "Statement"),
    "submitted_at": Text("提交时间", "Submitted"),
    "decided_at": Text("决定时间", "Decided"),
    "request_id": Text("申请编号", "Request no."),
    "content_type": Text("文件类型", "File type"),
    "sha256": Text("文件指纹（SHA-256）", "File fingerprint (SHA-256)"),
    "uploaded_at": Text("上传时间", "Uploaded"),
    "last_seen_at": Text("最近活动", "Last active"),
    "last_used_at": Text("最近使用", "Last used"),
    "label": Text("备注", "Note"),
    "view_count": Text("被查看次数", "Times opened"),
    "last_viewed_at": Text("最近被查看", "Last opened"),
    "entity_type": Text("对象类型", "Record type"),
    "entity_id": Text("对象编号", "Record no."),
    "action": Text("操作", "Action"),
    "before": Text("变更前", "Before"),
    "after": Text("变更后", "After"),
    "explanation": Text("说明", "Explanation"),
    "proposed_value": Text("应当是", "Should be"),
    "field": Text("哪一项", "Which item"),
    "must_change_password": Text("须修改密码", "Must change the password"),
    "bureau_scope": Text("人社部门层级", "Bureau level"),
    "region_code": Text("地区代码", "Region code"),
}

# The stored words of a few vocabularies, by column name (other values show as stored).
VALUE_LABELS = {
    "gender": {"male": Text("男", "male"), "female": Text("女", "female")},
    "role": {"worker": Text("劳动者", "worker"), "institution_staff": Text("机构工作人员", "institution staff"),
             "bureau_officer": Text("人社部门工作人员", "bureau officer"), "admin": Text("系统管理员", "administrator")},
    "status": {"valid": Text("有效", "valid"), "revoked": Text("已撤销", "revoked")},
    "route": {"regular": Text("正常晋升", "regular"), "exceptional": Text("破格/越级", "exceptional"),
              "competition": Text("竞赛晋升", "competition")},
    "attestation": {"attested": Text("已证实", "attested"), "unverified": Text("待证实", "not yet attested")},
}
LEVEL_COLUMNS = frozenset({"level", "target_level", "current_level", "max_level"})


def _words(name: str) -> str:
    return name.replace("_", " ")


def table_title(table: str) -> Text:
    return TABLE_TITLES.get(table, Text(_words(table), _words(table).capitalize()))


def column_label(column: str) -> Text:
    return COLUMN_LABELS.get(column, Text(_words(column), _words(column)))


def value_label(column: str, value: str) -> Text | None:
    return VALUE_LABELS.get(column, {}).get(value)
