"""Domain errors with user-safe, bilingual messages.

The web layer shows `error.message(locale)`: next to `error.field` in a form, as problem+json in the
API. Each subclass names its codes and their texts once, here.
"""

from __future__ import annotations

from typing import ClassVar

from ladder.i18n import Text, is_text, localize


class CredentialsError(Exception):
    """Base of every error the domain raises on purpose."""

    status: ClassVar[int] = 400
    messages: ClassVar[dict[str, Text]] = {}

    def __init__(self, code: str, /, *, field: str | None = None, **params: object) -> None:
        if code not in self.messages:
            raise KeyError(f"{type(self).__name__} has no message for {code!r}")
        self.code = code
        self.field = field
        self.params = params
        super().__init__(self.message("zh"))

    def message(self, locale: str = "zh") -> str:
        zh, en = self.messages[self.code]
        english = locale.startswith("en")
        params = {key: _localise(value, english) for key, value in self.params.items()}
        return (en if english else zh).format(**params)


def _localise(value: object, english: bool) -> object:
    """Params may themselves be bilingual: a `Text` (or a stored pair), or an object with message_zh/message_en."""
    if is_text(value):
        return localize(value, "en" if english else "zh")  # type: ignore[arg-type]  # is_text checked the shape
    if hasattr(value, "message_zh") and hasattr(value, "message_en"):
        return value.message_en if english else value.message_zh
    return value


class ValidationFailed(CredentialsError):
    """Input breaks a rule; `field` says which input."""

    status = 422
    messages = {
        "national_id": Text("身份证号无效：{reason}", "Invalid national ID number: {reason}"),
        "unknown_city": Text("未知的城市代码 {city}", "Unknown city code {city}"),
        "unknown_occupation": Text("未知的职业编码 {occupation}", "Unknown occupation code {occupation}"),
        "unknown_level": Text("未知的等级 {level}", "Unknown level {level}"),
        "unknown_institution": Text("未知的机构 {id}", "Unknown institution {id}"),
        "audit_retention_too_short": Text(
            "审计记录至少保留 {minimum} 天，不能只保留 {days} 天",
            "Audit events are kept at least {minimum} days, not {days}",
        ),
        "level_not_appraised": Text(
            "职业“{occupation}”不开展{level}评价",
            "Occupation “{occupation}” is not appraised at {level}",
        ),
        "not_accredited": Text(
            "{institution}未获准评价“{occupation}”{level}",
            "{institution} is not accredited for “{occupation}” at {level}",
        ),
        "certificate_number": Text("证书编号无效：{reason}", "Invalid certificate number: {reason}"),
        "number_mismatch": Text("证书编号与记录不符：{reason}", "Certificate number does not match the record: {reason}"),
        "date_in_future": Text("日期不能晚于今天", "The date cannot be in the future"),
        "password_policy": Text("密码{reason}", "Password {reason}"),
        "username_taken": Text("账号 {username} 已存在", "Account name {username} is already taken"),
        "binding": Text("{reason}", "{reason}"),
        "required": Text("必填", "Required"),
        # the career ladder (credentials/career.py, app/api/ladder.py)
        "unknown_node": Text("阶梯上没有“{node}”这一位置", "“{node}” is not a position on the ladder"),
        "no_occupation": Text("尚无等级或工作记录，请选择职业", "No level or work on record yet: choose an occupation"),
        # promotions, evidence, competitions, honours (credentials/services/promotions.py and neighbours)
        "promotion_target": Text("不能按此路径提名：{reason}", "This nomination is not possible: {reason}"),
        "no_current_level": Text("该劳动者在“{occupation}”尚无有效等级证书",
                             "The worker holds no valid level in “{occupation}”"),
        "unknown_choice": Text("未知的{what}：{value}", "Unknown {what}: {value}"),
        "evidence": Text("材料文件不被接受：{reason}", "Evidence file refused: {reason}"),
        "outside_region": Text("{what}不在您的管辖范围", "{what} is outside your region"),
        # training, appraisal results and work history (credentials/services/training.py, appraisal.py)
        "hours_out_of_range": Text("学时须在 0 到 {max} 之间", "Hours must be between 0 and {max}"),
        "dates_out_of_order": Text("结束日期不能早于开始日期", "The end date cannot be before the start date"),
        "completed_needs_date": Text("已结业的培训须填写结业日期", "A completed training needs its completion date"),
        "date_only_when_completed": Text("只有已结业的培训才填写结业日期", "Only a completed training has a completion date"),
        "not_accredited_training": Text(
            "{institution}未获准开展“{occupation}”{level}培训",
            "{institution} is not accredited to train “{occupation}” at {level}",
        ),
        "score_out_of_range": Text("{part}成绩须在 0 到 {max} 分之间", "{part} score must be between 0 and {max}"),
        "not_eligible": Text("不符合{level}申报条件：{explanation}", "Not eligible for {level}: {explanation}"),
        "number_without_pass": Text(
            "未通过的评价不发证书，证书编号请留空", "A failed sitting earns no certificate: leave the number empty",
        ),
        # a worker's facts: work, diplomas, apprenticeships, titles (credentials/services/worker_facts.py)
        "related_same": Text("相关职业须与本职业不同", "The related occupation must differ from the occupation worked"),
        "completed_needs_end": Text("学徒期满须填写结束日期", "A completed apprenticeship needs its end date"),
        "reason_too_long": Text("原因最多 {max} 个字", "The reason may have at most {max} characters"),
        # the appraisal road: sessions, applications, results (credentials/services/applications.py and neighbours)
        "already_held": Text("该劳动者已取得{level}或更高等级", "The worker already holds {level} or higher"),
        "level_not_offered": Text("本场次不考{level}", "This session does not examine {level}"),
        "session_mismatch": Text("{reason}", "{reason}"),
        "session_date": Text("{reason}", "{reason}"),
        "nothing_to_complete": Text("该成绩没有缺失的部分", "This result has no missing part"),
    }


class Duplicate(CredentialsError):
    status = 409
    messages = {
        "worker": Text("该身份证号已登记（劳动者编号 {worker_id}）", "This national ID is already registered (worker {worker_id})"),
        "worker_elsewhere": Text("该身份证号不能在此登记：此人已在登记簿中，无需重复登记，可直接凭身份证号为其录入培训、成绩或申报",
                                 "This national ID cannot be registered here: the person is in the registry already; "
                                 "record their training, results or applications with the ID"),
        "certificate": Text("证书编号 {number} 已存在", "Certificate number {number} already exists"),
        "institution": Text("机构“{name}”已存在", "Institution “{name}” already exists"),
        "open_application": Text("该劳动者已有进行中的{level}申报（编号 {id}）",
                                 "This worker already has an open application for {level} (no. {id})"),
        "open_promotion": Text("该劳动者在此职业已有进行中的申请（编号 {id}）",
                           "This worker already has an open request in this occupation (no. {id})"),
        "result": Text("该劳动者在此竞赛已有成绩", "This worker already has a result in this competition"),
        "honour": Text("该劳动者 {year} 年已记录此荣誉", "This honour is already recorded for the worker in {year}"),
        "training": Text(
            "该劳动者已于 {date} 在本机构报名“{occupation}”{level}培训",
            "This worker already enrolled here on {date} for “{occupation}” training at {level}",
        ),
        "appraisal_result": Text(
            "该劳动者 {date} 的“{occupation}”{level}评价成绩已登记",
            "This worker's “{occupation}” appraisal result at {level} on {date} is already recorded",
        ),
        "work_period": Text("已有一条 {date} 起从事“{occupation}”的工作经历；如有出入请更正该条",
                            "A work period in “{occupation}” from {date} is already recorded; correct that one instead"),
        "diploma": Text("已有一条相同的学历记录；如有出入请更正该条",
                        "The same diploma is already recorded; correct that one instead"),
        "apprenticeship": Text("已有一条 {date} 起的“{occupation}”学徒记录；如有出入请更正该条",
                               "An apprenticeship in “{occupation}” from {date} is already recorded; correct that one instead"),
        "title": Text("已有职称“{title}”的记录；如有出入请更正该条",
                      "The title “{title}” is already recorded; correct that one instead"),
    }


class NotFound(CredentialsError):
    status = 404
    messages = {"record": Text("未找到{what}", "{what} not found")}


class AuthenticationFailed(CredentialsError):
    """Deliberately vague: never says whether the account exists."""

    status = 401
    messages = {
        # One answer for every refusal (no such account, disabled, wrong password, this client must wait),
        # so that sign-in never reveals whether an account exists (services.accounts.authenticate).
        "credentials": Text("账号或密码不正确（连续输错 5 次后，须等待 {minutes} 分钟再试）",
                            "Wrong account or password (after 5 failures in a row, wait {minutes} minutes before "
                            "trying again)"),
        "token": Text("令牌无效或已过期", "The token is invalid or has expired"),
        # The second step of sign-in (credentials/services/second_factor.py): one answer for a wrong code, a code
        # already used, an expired step and a client that must wait.
        "second_factor": Text("验证码不正确或已使用（连续输错 5 次后，须等待 {minutes} 分钟再试）",
                              "Wrong or already used code (after 5 failures in a row, wait {minutes} minutes before "
                              "trying again)"),
        "second_factor_required": Text("此账号已启用两步验证：请同时提供验证器中的 6 位验证码或一个恢复码",
                                       "This account uses two-step verification: also send the 6-digit code from the "
                                       "authenticator app, or a recovery code"),
        "activation": Text("身份证号或开通码不正确，或开通码已过期、已使用；请向为您登记的机构索取新的开通码",
                           "Wrong national ID or activation code, or the code has expired or been used; ask the "
                           "institution that registered you for a new one"),
    }


class Forbidden(CredentialsError):
    status = 403
    messages = {
        "action": Text("无权执行此操作", "You may not do this"),
        "own_nomination": Text("不能审批自己提名的申请", "You cannot decide a request you nominated"),
        "own_employee": Text("不能审批本单位职工的申请", "You cannot decide about a worker your institution employs"),
        "wrong_stage": Text("此申请正处于{stage}阶段，不由您审批", "This request is at the {stage} stage, not yours to decide"),
        "account_exists": Text("该劳动者已开通账号；忘记密码请联系管理员",
                               "This worker has an account already; a forgotten password is reset by an administrator"),
        "ministry_observes": Text("部级账号可查看全国数据，但不审批个案、不撤销证书",
                                  "Ministry accounts see everything nationwide but decide no single case and "
                                  "revoke no certificate"),
        "not_nominator": Text("只有提名单位可以执行此操作", "Only the nominating institution may do this"),
        "attest_by_employer": Text("这条工作经历须由{employer}的工作人员证实",
                                   "Only staff of {employer} may attest this work period"),
        "own_claims_only": Text("劳动者只能更正或撤回本人尚未证实的申报",
                                "A worker may correct or withdraw only their own claims not yet attested"),
    }


class Conflict(CredentialsError):
    status = 409
    messages = {
        "already_revoked": Text("证书已于 {date} 撤销", "The certificate was already revoked on {date}"),
        "certificate_revoked": Text(
            "证书已于 {date} 撤销，不再签发数字凭证",
            "The certificate was revoked on {date}; no new digital credential is issued",
        ),
        "already_decided": Text("已被他人处理（当前状态：{state}），请刷新页面后查看",
                            "Already decided by someone else (now: {state}); reload to see it"),
        "wrong_state": Text("当前状态为“{state}”，不能{action}", "Cannot {action} while the state is “{state}”"),
        "approval_expired": Text("批准已于 {date} 到期", "The approval expired on {date}"),
        "session_full": Text("本场次已满（{capacity} 人）", "This session is full ({capacity} seats)"),
        "retake_window_closed": Text("补考期限已于 {date} 截止", "The retake window closed on {date}"),
        "rule_superseded": Text("奖励办法“{rule}”已有第 {version} 版，请在最新版本上修改",
                            "“{rule}” already has a version {version}: revise the newest version"),
        "yearly_limit": Text("该劳动者 {year} 年已获一次竞赛晋升，按“{policy}”每年至多 {limit} 次",
                         "The worker already has a competition promotion in {year}; "
                         "“{policy}” allows {limit} a year"),
        "fact_ended": Text("这条记录已被更正或撤回，请刷新页面查看最新记录",
                           "This record was already corrected or withdrawn; reload to see the latest one"),
        "already_attested": Text("这条记录已经证实", "This record is already attested"),
        # one person entered twice (credentials/services/merges.py)
        "already_merged": Text("劳动者记录 {worker_id} 已并入另一份记录，请刷新页面查看",
                               "Worker record {worker_id} was already merged into another; reload to see it"),
        "merge_collides": Text("不能合并：两份记录中有相同的条目（{rows}），合并后会重复；请先更正或撤回其中一条。本次未作任何更改",
                               "Cannot merge: both records hold the same entry ({rows}), which would then be there "
                               "twice; correct or withdraw one of them first. Nothing was changed"),
        "already_dismissed": Text("这两份记录已被判定为不同的人", "These two records were already judged two people"),
        # reporting packages (credentials/services/reporting.py)
        "package_damaged": Text("上报数据包 {package_id} 的存档已损坏或被改动，不能下载；请重新生成该期数据包",
                                "The stored archive of report package {package_id} is damaged or was altered and "
                                "cannot be downloaded; build the package for that period again"),
        # oversight flags (credentials/services/oversight.py)
        "flag_changed": Text("此提示涉及的记录已有变化，请刷新页面后重新核查",
                             "The records behind this flag have changed; reload the page and review it again"),
        "flag_reviewed": Text("此提示已于 {date} 核查", "This flag was already reviewed on {date}"),
        # bulk imports (credentials/imports/jobs.py, kept_files.py)
        "imports_busy": Text("本机构已有 {count} 项导入在排队或处理中（同时最多 {limit} 项）：请等其中一项完成后再上传",
                             "Your institution already has {count} imports queued or running (at most {limit} at "
                             "a time): wait for one to finish, then upload"),
        "file_removed": Text("上传的文件已于 {date} 按保存期限规定删除（保存 {days} 天），不能再导入：请重新上传该文件",
                             "The uploaded file was removed on {date} under the retention rule (kept {days} days), "
                             "so it cannot be imported any more: upload the file again"),
    }


class ImportRejected(CredentialsError):
    """A bulk-import file, or a row of it, that cannot go in (credentials/imports).

    File-level codes are raised and reject the whole file; row-level codes become lines of the
    import report (row, column, message, value) and are never raised past the loader.
    """

    status = 422
    messages = {
        # the file
        "unknown_kind": Text("未知的导入类型 {kind}", "Unknown import kind {kind}"),
        "empty_file": Text("文件是空的", "The file is empty"),
        "file_too_large": Text("文件超过 {limit}，请拆分后分批导入", "The file is larger than {limit}: split it and import the parts"),
        "too_many_rows": Text("文件超过 {limit} 行，请拆分后分批导入",
                          "The file has more than {limit} rows: split it and import the parts"),
        "unknown_file_type": Text("无法识别的文件类型：请上传 CSV 或 XLSX 文件", "Unrecognised file type: upload a CSV or XLSX file"),
        "xls_not_supported": Text("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV",
                              "Old Excel (.xls) files are not supported: save the sheet as .xlsx or CSV"),
        "utf16_not_supported": Text("不支持 UTF-16（Unicode 文本）文件：请在 Excel 中另存为“CSV UTF-8”",
                                "UTF-16 (Unicode text) files are not supported: save the sheet as “CSV UTF-8”"),
        "encoding_unknown": Text("文件编码无法识别：请另存为“CSV UTF-8”或 GB18030（GBK）编码的 CSV，或直接上传 XLSX",
                             "The file's text encoding is not recognised: save it as “CSV UTF-8” or as a "
                             "GB18030 (GBK) CSV, or upload the XLSX"),
        "csv_malformed": Text("CSV 格式错误（第 {row} 行附近）：{reason}", "Malformed CSV (near row {row}): {reason}"),
        "xlsx_unsafe": Text("XLSX 文件解压后过大或结构异常，已拒绝：{reason}",
                        "The XLSX file expands too much or is malformed, so it was refused: {reason}"),
        "xlsx_corrupt": Text("XLSX 文件已损坏，或不是有效的 Excel 工作簿", "The XLSX file is damaged or not a valid Excel workbook"),
        "no_header": Text("未找到表头：第一行应为模板中的列名（如“身份证号”）；若列名显示为乱码，请检查文件编码",
                      "No header row found: the first row should hold the template's column names (such as "
                      "身份证号); if they look garbled, check the file's encoding"),
        "missing_column": Text("缺少必填列：{columns}", "Missing required column(s): {columns}"),
        "duplicate_column": Text("列“{column}”出现了不止一次", "Column “{column}” appears more than once"),
        "no_rows": Text("文件中没有数据行", "The file has no data rows"),
        # a row
        "formula_cell": Text("单元格 {cell} 是公式（{formula}）：请复制后“粘贴为数值”再导入",
                         "Cell {cell} holds a formula ({formula}): paste it as a value before importing"),
        "id_as_number": Text("身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写",
                         "Excel stored the national ID number as a number and lost its last digits: format the "
                         "column as Text and type the numbers again"),
        "number_as_number": Text("证书编号被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写",
                             "Excel stored the certificate number as a number and lost its last digits: format "
                             "the column as Text and type the numbers again"),
        "worker_not_registered": Text("该身份证号的劳动者尚未登记：请先在“劳动者”页面登记，再导入",
                                  "No worker is registered with this national ID number: register them on the "
                                  "Workers page first"),
        "name_mismatch": Text("姓名与该身份证号的登记信息不符（请核对身份证号）",
                          "The name differs from the one registered with this national ID number (check the number)"),
        "not_a_date": Text("无法识别的日期：请写成 2024-07-01", "Not a date: write it as 2024-07-01"),
        "not_a_number": Text("不是数字", "Not a number"),
        "too_many_decimals": Text("最多保留两位小数", "At most two decimal places"),
        "not_a_whole_number": Text("须为整数", "Must be a whole number"),
        "unknown_value": Text("无法识别的{what}：可填 {choices}", "Unrecognised {what}: use {choices}"),
        "bad_occupation_code": Text("职业编码格式应为 6-18-01-01", "An occupation code looks like 6-18-01-01"),
        "duplicate_row": Text("与第 {row} 行重复（{key}相同）", "Repeats row {row} (same {key})"),
        "differs_from_record": Text("系统中已有这条记录，但{fields}不同；导入不会改写已有记录，如需更正请联系管理部门",
                                "This record already exists with a different {fields}; an import never "
                                "overwrites a record, ask the bureau for a correction"),
        "number_repeated": Text("证书编号与第 {row} 行重复", "The certificate number repeats row {row}"),
        "nothing_to_record": Text("这一行既没有工作经历也没有学历：请填写从事职业编码和工作开始日期，或学校类型",
                                  "The row records neither work nor a diploma: fill in the occupation worked and "
                                  "the work start date, or the school type"),
        "group_needs_date": Text("“{group}”须写明认定日期（写在类别后，或填“类别认定日期”列）",
                                 "“{group}” needs the date it began (after the group, or in the groups-since column)"),
        "group_repeated": Text("“{group}”出现了两次且日期不同", "“{group}” appears twice with different dates"),
        "number_unknown_scheme": Text("证书编号不属于已知的全国编码规则，已标记待核", "The certificate number follows no known "
                                  "national scheme; it is flagged for review"),
        "series_full": Text("本机构 {year} 年{level}证书编号已用尽", "This institution has used every {level} number for {year}"),
        # the run
        "unexpected_failure": Text("导入意外中止，未写入任何数据；请稍后重试，若仍失败请联系管理员",
                               "The import stopped unexpectedly and wrote nothing; try again later, and tell the "
                               "administrator if it fails again"),
        "interrupted": Text("导入在运行中被中断（服务重启或进程退出），未写入任何数据；请重新导入",
                        "The import was interrupted while running (a restart or a stopped process) and wrote "
                        "nothing; import the file again"),
        "over_cpu_budget": Text("读取文件超出处理时间上限（{seconds} 秒），已拒绝，未写入任何数据：请检查文件中是否有大片空白行列"
                                "或格式，删除后另存为 XLSX 或 CSV，或拆分后分批导入",
                                "Reading the file took more than its processing limit ({seconds} s), so it was "
                                "refused and nothing was written: look for huge empty or formatted ranges, delete "
                                "them and save the file again as XLSX or CSV, or split it"),
        "over_memory_budget": Text("读取文件所需内存超出上限（{limit} MB），已拒绝，未写入任何数据：请另存为 CSV，或拆分后分批导入",
                                   "Reading the file needed more memory than its limit ({limit} MB), so it was "
                                   "refused and nothing was written: save it as CSV, or split it"),
        "unreadable": Text("无法读取此文件（读取进程意外退出），未写入任何数据：请检查文件，或另存为 CSV 后重新上传",
                           "The file could not be read (the reading process stopped unexpectedly) and nothing was "
                           "written: check the file, or save it as CSV and upload it again"),
        "concurrent_write": Text("另一项导入或登记同时写入了相同的记录，本次未写入任何数据；请重新导入",
                             "Another import or entry wrote the same records at the same time, so nothing was "
                             "written; import the file again"),
    }
