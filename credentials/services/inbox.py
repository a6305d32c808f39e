"""In-app messages to workers and nominators: one code per kind of status change, rendered per language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..models import InboxMessage, User, utcnow

# code -> (subject zh, subject en, body zh, body en); bodies name their parameters.
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "promotion.submitted": ("提名已提交", "Nomination submitted",
                            "{worker}的{kind}申请（{occupation}，{level}）已提交，等待{stage}。",
                            "{worker}'s {kind} request ({occupation}, {level}) was submitted and awaits {stage}."),
    "promotion.resubmitted": ("提名已重新提交", "Nomination resubmitted",
                              "{worker}的{kind}申请（{level}）已补充材料并重新提交，等待{stage}。",
                              "{worker}'s {kind} request ({level}) was resubmitted with more information and "
                              "awaits {stage}."),
    "promotion.reviewed": ("申请审核中", "Request under review",
                           "{worker}的{kind}申请（{level}）已进入{stage}。",
                           "{worker}'s {kind} request ({level}) is now under {stage}."),
    "promotion.forwarded": ("初审通过，已报送省级", "First review passed, forwarded to the province",
                            "{worker}的{kind}申请（{level}）已通过{stage}，报送省级审核。理由：{reason}",
                            "{worker}'s {kind} request ({level}) passed {stage} and goes to the provincial "
                            "review. Reason: {reason}"),
    "promotion.approved": ("申请已批准", "Request approved",
                           "{worker}的{kind}申请已批准：可在 {until} 前参加{occupation}{level}评价。理由：{reason}",
                           "{worker}'s {kind} request is approved: the {occupation} appraisal at {level} may be "
                           "taken until {until}. Reason: {reason}"),
    "promotion.rejected": ("申请被驳回", "Request rejected",
                           "{worker}的{kind}申请（{level}）在{stage}被驳回。理由：{reason}",
                           "{worker}'s {kind} request ({level}) was rejected at {stage}. Reason: {reason}"),
    "promotion.returned": ("申请被退回补充材料", "Request returned for more information",
                           "{worker}的{kind}申请（{level}）在{stage}被退回。需补充：{reason}",
                           "{worker}'s {kind} request ({level}) was returned at {stage}. Needed: {reason}"),
    "promotion.withdrawn": ("申请已撤回", "Request withdrawn",
                            "{worker}的{kind}申请（{level}）已撤回。",
                            "{worker}'s {kind} request ({level}) was withdrawn."),
    "competition_promotion.proposed": ("竞赛晋升待确认", "Promotion by competition awaits confirmation",
                                       "{worker}在“{competition}”的成绩符合晋升{level}的规定，等待人社部门确认。",
                                       "{worker}'s result in “{competition}” qualifies for {level}; a bureau "
                                       "will confirm it."),
    "competition_promotion.confirmed": ("竞赛晋升已确认", "Promotion by competition confirmed",
                                        "{worker}凭“{competition}”的成绩晋升{level}，证书编号 {number}。",
                                        "{worker} is promoted to {level} for “{competition}”; certificate "
                                        "{number}."),
    "competition_promotion.rejected": ("竞赛晋升未获确认", "Promotion by competition not confirmed",
                                       "{worker}凭“{competition}”晋升{level}未获确认。理由：{reason}",
                                       "{worker}'s promotion to {level} for “{competition}” was not confirmed. "
                                       "Reason: {reason}"),
    # the appraisal road (credentials/services/applications.py, appraisal.py, corrections.py, overtaken.py)
    "application.approved": ("申报已通过资格审核", "Application qualified",
                             "{worker}的{occupation}{level}申报已通过{institution}的资格审核，等待安排考试场次。",
                             "{worker}'s application for {occupation} at {level} passed {institution}'s "
                             "qualification review and awaits a session."),
    "application.refused": ("申报未通过资格审核", "Application refused",
                            "{worker}的{occupation}{level}申报未通过{institution}的资格审核。理由：{reason}",
                            "{worker}'s application for {occupation} at {level} was refused by {institution}. "
                            "Reason: {reason}"),
    "application.seated": ("已安排考试", "Seated for the appraisal",
                           "{worker}的{occupation}{level}考试安排在 {date}，地点：{site}。",
                           "{worker} sits {occupation} at {level} on {date} at {site}."),
    "application.closed": ("申报已关闭", "Application closed",
                           "{worker}的{occupation}{level}申报已关闭：{reason}",
                           "{worker}'s application for {occupation} at {level} is closed: {reason}"),
    "appraisal.recorded": ("评价成绩已登记", "Appraisal result recorded",
                           "{worker} {date} 的{occupation}{level}评价成绩已登记：{outcome}。{detail}",
                           "{worker}'s {occupation} appraisal at {level} on {date} is recorded: {outcome}. {detail}"),
    "appraisal.corrected": ("评价成绩已更正", "Appraisal result corrected",
                            "{worker} {date} 的{occupation}{level}评价成绩已更正为：{outcome}。原因：{reason}",
                            "{worker}'s {occupation} appraisal at {level} on {date} was corrected to: {outcome}. "
                            "Reason: {reason}"),
    "appraisal.voided": ("评价成绩已作废", "Appraisal result voided",
                         "{worker} {date} 的{occupation}{level}评价成绩已作废。原因：{reason}",
                         "{worker}'s {occupation} appraisal at {level} on {date} was voided. Reason: {reason}"),
    "certificate.issued": ("证书已发放", "Certificate issued",
                           "{worker}已取得{occupation}{level}证书，编号 {number}。",
                           "{worker} now holds the {occupation} certificate at {level}, number {number}."),
    "certificate.revoked": ("证书已撤销", "Certificate revoked",
                            "{worker}的{occupation}{level}证书（编号 {number}）已撤销。原因：{reason}",
                            "{worker}'s {occupation} certificate at {level} (number {number}) was revoked. "
                            "Reason: {reason}"),
    "promotion.closed": ("申请已关闭", "Request closed",
                         "{worker}的{kind}申请（{level}）已关闭：{reason}",
                         "{worker}'s {kind} request ({level}) is closed: {reason}"),
    "competition.plan_applied": ("竞赛申请纳入政府竞赛计划", "A contest applies for the government competition plan",
                                 "{institution}申请将“{competition}”（{tier}，{starts_on} 至 {ends_on}）纳入政府竞赛计划，"
                                 "请审核并作出决定。",
                                 "{institution} applies to include “{competition}” ({tier}, {starts_on} to "
                                 "{ends_on}) in the government competition plan; please review and decide."),
    "competition.included": ("竞赛已纳入政府竞赛计划", "Competition included in the government plan",
                             "“{competition}”已纳入政府竞赛计划。理由：{reason}",
                             "“{competition}” is included in the government competition plan. Reason: {reason}"),
    "competition.refused": ("竞赛未纳入政府竞赛计划", "Competition not included in the government plan",
                            "“{competition}”未纳入政府竞赛计划。理由：{reason}",
                            "“{competition}” was not included in the government competition plan. "
                            "Reason: {reason}"),
    # corrections a worker asks for (credentials/services/record_corrections.py, certificates.py)
    "certificate.corrected": ("证书信息已更正", "Certificate corrected",
                              "{worker}的{occupation}{level}证书（编号 {number}）已更正，此前下载的数字凭证已失效，"
                              "请重新下载。原因：{reason}",
                              "{worker}'s {occupation} certificate at {level} (number {number}) was corrected; "
                              "digital credentials downloaded before no longer verify, download it again. "
                              "Reason: {reason}"),
    "correction.filed": ("收到记录更正申请", "A record correction was requested",
                         "{worker}申请更正{subject}：{explanation}。请核实后更正，或说明不予更正的理由。",
                         "{worker} asks to correct {subject}: {explanation}. Please check it, then correct it "
                         "or give the reason for refusing."),
    "correction.received": ("更正申请已提交", "Correction request sent",
                            "您关于{subject}的更正申请已提交给{responsible}处理。",
                            "Your request to correct {subject} was sent to {responsible}."),
    "correction.accepted": ("记录已更正", "Record corrected",
                            "您关于{subject}的更正申请已由{responsible}受理并更正：{changes}。{aftermath}说明：{reason}",
                            "{responsible} accepted your request about {subject} and corrected it: {changes}. "
                            "{aftermath}Note: {reason}"),
    "correction.refused": ("更正申请未获同意", "Correction refused",
                           "{responsible}未同意您关于{subject}的更正申请。理由：{reason}",
                           "{responsible} refused your request to correct {subject}. Reason: {reason}"),
    "correction.withdrawn": ("更正申请已撤回", "Correction request withdrawn",
                             "{worker}已撤回关于{subject}的更正申请。",
                             "{worker} withdrew the request to correct {subject}."),
}


# What a record's own service tells the worker, when it runs to answer their correction request, said in one
# sentence of "correction.accepted" instead of a message of its own (the changed fields are listed there already).
FOLDED: dict[str, tuple[str, str]] = {
    "appraisal.corrected": ("", ""),
    "appraisal.voided": ("", ""),
    "certificate.corrected": ("此前下载的数字凭证已失效，请重新下载。",
                              "Digital credentials downloaded before no longer verify: download them again. "),
    "certificate.revoked": ("证书（编号 {number}）已撤销。", "Certificate {number} is revoked. "),
    "certificate.issued": ("已发给您证书，编号 {number}。", "Certificate {number} is issued to you. "),
}
_HELD = "inbox.held"  # Session.info key: the holding in force, if any


@dataclass
class Held:
    """Messages kept back from `recipients` while a holding is in force, in the order they were sent."""

    recipients: frozenset[int]
    messages: list[tuple[str, dict[str, object]]]

    def aftermath(self) -> Text:
        """What the kept-back messages had to say, as one text to add to the message that replaces them."""
        said = [(_shown(template_zh, params, "zh"), _shown(template_en, params, "en"))
                for code, params in self.messages for template_zh, template_en in [FOLDED[code]]]
        return Text("".join(zh for zh, _ in said), "".join(en for _, en in said))


@contextmanager
def held_back(session: Session, recipients: Iterable[User | None]) -> Iterator[Held]:
    """While this runs, the FOLDED messages to `recipients` are not stored but collected, for the caller to say
    in its own message: one event, one message. Other messages, and messages to anyone else, go as usual."""
    held = Held(frozenset(user.id for user in recipients if user is not None), [])
    outer = session.info.get(_HELD)
    session.info[_HELD] = held
    try:
        yield held
    finally:
        if outer is None:
            session.info.pop(_HELD, None)
        else:
            session.info[_HELD] = outer


def _shown(template: str, params: dict[str, object], lang: str) -> str:
    values = {key: (value.get(lang, "") if isinstance(value, dict) else value) for key, value in params.items()}
    return template.format_map(_Blank(values))


def bilingual(pair: tuple[str, str] | list[str]) -> dict[str, str]:
    return {"zh": pair[0], "en": pair[1]}


def notify(session: Session, users: Iterable[User | None], code: str, *, entity_type: str, entity_id: int,
           **params: object) -> list[InboxMessage]:
    """One message per distinct recipient (None and repeats are skipped; those held back, see `held_back`)."""
    if code not in MESSAGES:
        raise KeyError(f"no inbox message {code!r}")
    stored = {key: bilingual(value) if isinstance(value, tuple) else value for key, value in params.items()}
    held: Held | None = session.info.get(_HELD) if code in FOLDED else None
    seen: set[int] = set()
    messages = []
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        if held is not None and user.id in held.recipients:
            if (code, stored) not in held.messages:  # said once, however many accounts the worker has
                held.messages.append((code, stored))
            continue
        message = InboxMessage(user_id=user.id, code=code, params=stored, entity_type=entity_type,
                               entity_id=entity_id)
        session.add(message)
        messages.append(message)
    session.flush()
    return messages


def render(message: InboxMessage, lang: str = "zh") -> tuple[str, str]:
    """Subject and body in the reader's language."""
    subject_zh, subject_en, body_zh, body_en = MESSAGES[message.code]
    english = lang.startswith("en")
    values = {key: (value.get("en" if english else "zh", "") if isinstance(value, dict) else value)
              for key, value in (message.params or {}).items()}
    return (subject_en if english else subject_zh), (body_en if english else body_zh).format_map(_Blank(values))


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def inbox_of(user: User) -> Select[InboxMessage]:
    """The user's messages, newest first (a select() for the caller to paginate)."""
    return select(InboxMessage).where(InboxMessage.user_id == user.id).order_by(InboxMessage.id.desc())


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(InboxMessage)
                          .where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))) or 0


def mark_read(session: Session, user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own messages read (all when no ids are given); another's ids are ignored."""
    statement = update(InboxMessage).where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
    if message_ids is not None:
        statement = statement.where(InboxMessage.id.in_(list(message_ids)))
    result = session.execute(statement.values(read_at=utcnow()).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)  # what an UPDATE returns (Session.execute is typed as Result)
    return result.rowcount
