"""The campaign's indicators, each defined once: its name, what exactly it counts, its unit, and the tally
series it is computed from (`credentials.services.tally_series`). Read them through
`credentials.queries.indicators`, which re-exports everything here.

An indicator is the sum of one series (optionally over some of its keys), or the ratio of two such sums (a
percentage). Its `description` is shown beside its number, so it says in plain words what counts, when and
where — and how a revoked certificate, a worker who moved city or a voided sitting counts.

To add an indicator over an existing series, append an `Indicator` to `INDICATORS`. To add one over new
records: first give them a `Source` (its series; see `tally_series`, and `programme_series` for an example) in
`credentials.services.tallies.SOURCES`, then the `Indicator` here, then a test that builds a small registry by
hand and checks the number (tests/credentials/test_indicators.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ladder.frameworks import all_frameworks
from ladder.i18n import Text

from ..services.tally_series import STOCK_SERIES


class Unit(enum.StrEnum):
    PERSON_TIMES = "人次"
    PERSONS = "人"
    YUAN = "元"
    CERTIFICATES = "张"
    ITEMS = "项"
    PERCENT = "%"

    @property
    def label(self) -> Text:
        return _UNIT_NAMES[self]


_UNIT_NAMES = {Unit.PERSON_TIMES: Text("人次", "person-times"), Unit.PERSONS: Text("人", "people"),
               Unit.YUAN: Text("元", "yuan"), Unit.CERTIFICATES: Text("张", "certificates"),
               Unit.ITEMS: Text("项", "items"), Unit.PERCENT: Text("%", "%")}

HIGH_SKILLED_LEVELS = frozenset(level.code for fw in all_frameworks() for level in fw.levels if level.is_high_skilled)


@dataclass(frozen=True)
class Total:
    """The sum of one series, over all its keys or only `keys`."""

    series: str
    keys: frozenset[str] | None = None


@dataclass(frozen=True)
class Breakdown:
    """Rows of an indicator by the keys of a series: `dimension` says what the keys are (labels: `key_labels`)."""

    code: str  # "type", "form", "group", "level", "route", "occupation", "tier"
    name: Text
    dimension: str  # training_type, training_form, target_group, level, route, occupation, tier
    series: str
    denominator_series: str | None = None  # for a ratio: the denominator, by the same keys


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Text
    description: Text
    unit: Unit
    numerator: Total
    denominator: Total | None = None  # set: the value is numerator / denominator x 100 (unit %)
    breakdowns: tuple[Breakdown, ...] = field(default=())

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    @property
    def is_stock(self) -> bool:
        """Counted "now" (a stock), whatever the dates asked for."""
        return self.numerator.series in STOCK_SERIES

    @property
    def series(self) -> frozenset[str]:
        return frozenset({self.numerator.series} | ({self.denominator.series} if self.denominator else set()))

    def breakdown(self, code: str | None = None) -> Breakdown:
        """The named breakdown (the first when None); KeyError when the indicator has no such breakdown."""
        for candidate in self.breakdowns:
            if code is None or candidate.code == code:
                return candidate
        raise KeyError(f"indicator {self.code} has no breakdown {code!r}")


def _by(code: str, series: str, denominator: str | None = None) -> Breakdown:
    name, dimension = _DIMENSIONS[code]
    return Breakdown(code, name, dimension, series, denominator)


_DIMENSIONS = {
    "type": (Text("按培训类型", "by training type"), "training_type"),
    "form": (Text("按培训形式", "by training form"), "training_form"),
    "group": (Text("按重点群体", "by target group"), "target_group"),
    "level": (Text("按等级", "by level"), "level"),
    "route": (Text("按取得途径", "by route"), "route"),
    "occupation": (Text("按职业", "by occupation"), "occupation"),
    "tier": (Text("按竞赛类别", "by competition tier"), "tier"),
    "programme": (Text("按级别", "by tier"), "programme"),  # keys `<kind>:<tier>` or `<kind>:<role>`
    "source": (Text("按资金来源", "by source of funds"), "funding_source"),
}
_REVOKED = Text("已撤销的证书不计：撤销后即从其发证月份中减去。", "A revoked certificate counts nowhere: revoking it takes it out of "
                "the month it was issued in.")
_FLOW_CERT = Text("按发证日期所在月份、发证机构所在城市计（劳动者日后迁往他市，仍计在发证地）；补录的历史纸质证书按其发证日期计入。",
                  "Counted in the month of the issue date and in the city of the issuing institution (a worker who "
                  "later moves city leaves it where it was issued); a historic paper certificate entered later "
                  "counts at its own issue date.")
_STOCK = Text("按劳动者现在登记的城市计（迁往他市即计入新城市），只看现在，不受所选期间影响；撤销证书后按其余有效证书重新定级，"
              "合并的重复记录只计一人。",
              "Counted in the city the worker is registered in now (a worker who moves city counts in the new "
              "city), as of now whatever the period chosen; after a revocation the worker is placed by their "
              "other valid certificates, and a record merged as a duplicate counts once.")


def _join(*texts: Text) -> Text:
    return Text("".join(t.zh for t in texts), " ".join(t.en for t in texts))


_PROGRAMME_PLACE = Text("计入项目所在城市，国家级、省级项目也计入其所在城市。",
                        "Counted in the programme's city, national and provincial programmes too.")
_PROGRAMME_TIERS = ("national", "provincial", "city")


def _kind_keys(kind: str) -> frozenset[str]:
    """The `<kind>:<tier>` keys of programmes.count that are one kind of programme."""
    return frozenset(f"{kind}:{tier}" for tier in _PROGRAMME_TIERS)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "trainees", Text("职业培训人次", "people trained"),
        Text("每报名参加一次培训计 1 人次（含在训、中途退出的），计入培训开始的月份和培训机构所在城市；跨两个阶段的培训只计入开始时的"
             "阶段；劳动者日后迁往他市，既往培训仍计在培训地；作废的培训记录不计。按重点群体分列时，按开班当日劳动者所属的类别计，"
             "同属几类的在每一类各计一次，不属任何一类的计入“不属重点群体”。",
             "Each enrolment counts once (including those still in training or who dropped out), in the month the "
             "training started and in the city of the training institution; a training spanning two phases "
             "counts in the phase it started; a worker who later moves city leaves past training where it took "
             "place; a voided training record counts nowhere. By target group: the groups the worker belonged "
             "to on the first day, once in each; none: \"no target group\"."),
        Unit.PERSON_TIMES, Total("training.type"),
        breakdowns=(_by("type", "training.type"), _by("form", "training.form"), _by("group", "training.group"))),
    Indicator(
        "training_subsidies", Text("培训补贴金额", "training subsidies"),
        Text("已结业、经核定享受补贴的培训的补贴金额合计，计入结业月份和培训机构所在城市；须取证后才能申领的（如技能提升补贴）和"
             "未核定的不计。",
             "The subsidy amounts of completed trainings found eligible, in the month of completion and in the "
             "city of the training institution; subsidies claimed only after certification (skills upgrading "
             "subsidies) and those not yet decided do not count."),
        Unit.YUAN, Total("training.subsidy"), breakdowns=(_by("type", "training.subsidy"),)),
    Indicator(
        "appraisal_sittings", Text("参加技能评价人次", "appraisal sittings"),
        Text("每参加一次职业技能评价（鉴定）计 1 人次，计入考试月份和评价机构所在城市；成绩尚不完整的也计入；作废的成绩不计。",
             "Each sitting of a skills appraisal counts once, in the month of the exam and in the city of the "
             "appraising institution; a sitting whose result is still incomplete counts; a voided sitting does not."),
        Unit.PERSON_TIMES, Total("appraisal.sittings"), breakdowns=(_by("level", "appraisal.sittings"),)),
    Indicator(
        "appraisal_passes", Text("技能评价合格人次", "appraisal passes"),
        Text("评价合格的人次，计入考试月份和评价机构所在城市；作废的成绩不计。",
             "Sittings passed, in the month of the exam and in the city of the appraising institution; a voided "
             "sitting does not count."),
        Unit.PERSON_TIMES, Total("appraisal.passes"), breakdowns=(_by("level", "appraisal.passes"),)),
    Indicator(
        "pass_rate", Text("技能评价合格率", "appraisal pass rate"),
        Text("评价合格人次 ÷ 参加评价人次 × 100%（同一期间、同一地区；作废的成绩两边都不计）；无人参加时不计算。",
             "Passes ÷ sittings × 100 (same period, same region; voided sittings count on neither side); not "
             "computed when nobody sat."),
        Unit.PERCENT, Total("appraisal.passes"), Total("appraisal.sittings"),
        breakdowns=(_by("level", "appraisal.passes", "appraisal.sittings"),)),
    Indicator(
        "certificates_issued", Text("发放职业技能证书", "certificates issued"),
        _join(Text("期间内发出的职业技能等级证书和职业资格证书张数；同一人在一个阶段内取得两本证书计 2 张。",
                   "Skill level and vocational qualification certificates issued in the period; a worker certified "
                   "twice in one phase counts twice."), _FLOW_CERT, _REVOKED),
        Unit.CERTIFICATES, Total("certificates.level"),
        breakdowns=(_by("level", "certificates.level"), _by("route", "certificates.route"),
                    _by("occupation", "certificates.occupation"))),
    Indicator(
        "new_high_skilled", Text("新增高技能人才", "new high-skilled workers"),
        _join(Text("期间内发出的高级工（三级）及以上等级证书人次；同一人在期间内取得两个高技能等级计 2 人次。",
                   "Certificates at Senior Worker (Level 3) or above issued in the period; a worker reaching two "
                   "high-skilled levels in the period counts twice."), _FLOW_CERT, _REVOKED),
        Unit.PERSON_TIMES, Total("certificates.level", HIGH_SKILLED_LEVELS),
        breakdowns=(_by("level", "certificates.level"),)),
    Indicator(
        "high_skilled_workforce", Text("高技能人才总量", "high-skilled workforce"),
        _join(Text("现在持有高级工（三级）及以上有效证书的劳动者人数，按其最高有效等级计。",
                   "Workers who now hold a valid certificate at Senior Worker (Level 3) or above, by their highest "
                   "valid level."), _STOCK),
        Unit.PERSONS, Total("workforce.level", HIGH_SKILLED_LEVELS), breakdowns=(_by("level", "workforce.level"),)),
    Indicator(
        "certified_workforce", Text("持证技能劳动者总量", "certified skilled workforce"),
        _join(Text("现在持有至少一本有效证书的劳动者人数，按其最高有效等级计。",
                   "Workers who now hold at least one valid certificate, by their highest valid level."), _STOCK),
        Unit.PERSONS, Total("workforce.level"), breakdowns=(_by("level", "workforce.level"),)),
    Indicator(
        "high_skilled_share", Text("高技能人才占持证技能劳动者比例", "high-skilled share of the certified workforce"),
        _join(Text("高技能人才总量 ÷ 持证技能劳动者总量 × 100%。", "High-skilled workforce ÷ certified skilled workforce × 100."),
              _STOCK),
        Unit.PERCENT, Total("workforce.level", HIGH_SKILLED_LEVELS), Total("workforce.level")),
    Indicator(
        "exceptional_promotions", Text("破格、越级晋升", "exceptional and level-skipping promotions"),
        _join(Text("经审批破格或越级参加评价而取得的证书人次。", "Certificates earned through an approved exceptional or "
                   "level-skipping promotion."), _FLOW_CERT, _REVOKED),
        Unit.PERSON_TIMES, Total("certificates.route", frozenset({"exceptional"}))),
    Indicator(
        "competition_promotions", Text("竞赛晋升", "promotions through competitions"),
        _join(Text("因竞赛成绩经核准晋升而发出的证书人次。", "Certificates issued for a confirmed promotion through a "
                   "competition result."), _FLOW_CERT, _REVOKED),
        Unit.PERSON_TIMES, Total("certificates.route", frozenset({"competition"}))),
    Indicator(
        "competitions_held", Text("举办职业技能竞赛", "skills competitions held"),
        Text("期间内开赛的职业技能竞赛项数，计入开赛月份和举办城市；未指定城市的省级竞赛只计入所在省和全国，全国性竞赛只计入全国。",
             "Competitions that started in the period, in their month and in the city holding them; a "
             "provincial competition with no city counts for its province and the nation only, a national one "
             "for the nation only."),
        Unit.ITEMS, Total("competitions.held"), breakdowns=(_by("tier", "competitions.held"),)),
    Indicator(
        "competitions_in_plan", Text("纳入政府计划的企业竞赛", "enterprise contests included in the government plan"),
        Text("经人社部门批准纳入政府职业技能竞赛计划的企业、行业技术比武项数，按开赛月份和举办城市计；申请未获批准的不计。",
             "Enterprise and industry contests a bureau included in the government competition plan, in the "
             "month they started and in the city holding them; those refused or not yet decided do not count."),
        Unit.ITEMS, Total("competitions.in_plan"), breakdowns=(_by("tier", "competitions.in_plan"),)),
    # ---- the programmes registry (plan 四(三); series: credentials/services/programme_series.py)
    *(Indicator(code, name, _join(what, _PROGRAMME_PLACE), Unit.ITEMS, Total("programmes.count", _kind_keys(kind)),
                breakdowns=(_by("programme", "programmes.count"),))
      for code, name, kind, what in (
          ("training_bases", Text("高技能人才培训示范基地", "high-skill training demonstration bases"), "training_base",
           Text("期间内认定的高技能人才培训示范基地个数（国家级、省级、市级），按认定日期所在月份计。",
                "High-skill training demonstration bases recognised in the period (national, provincial and city), "
                "in the month they were recognised.")),
          ("masters_studios", Text("技能大师工作室", "masters' studios"), "masters_studio",
           Text("期间内认定的技能大师工作室个数（国家级、省级、市级），按认定日期所在月份计。",
                "Masters' studios recognised in the period (national, provincial and city), in the month they were "
                "recognised.")),
          ("technician_cohorts", Text("技师培训项目", "technician training cohorts"), "technician_cohort",
           Text("期间内开班的技师培训项目期数（国家级、省级、市级），按开班日期所在月份计。",
                "Technician training cohorts that started in the period (national, provincial and city), in the "
                "month they started.")))),
    Indicator(
        "technician_trainees", Text("技师培训项目学员", "technician cohort trainees"),
        _join(Text("技师培训项目登记的学员人次，按其进入项目的月份计；中途结束的照计，录入有误被删除的不计。",
                   "Trainees entered in technician training cohorts, in the month they joined; one who left early "
                   "still counts, an entry deleted as a mistake does not."), _PROGRAMME_PLACE),
        Unit.PERSON_TIMES, Total("programmes.people", frozenset({"technician_cohort:trainee"}))),
    Indicator(
        "special_allowance_recipients", Text("享受政府特殊津贴人员", "special-allowance recipients"),
        _join(Text("各级政府特殊津贴的享受人次，按批准日期所在月份计；同一人在两个批次享受计 2 人次。",
                   "Recipients of a government special allowance (any tier), in the month it was granted; a worker "
                   "in two batches counts twice."), _PROGRAMME_PLACE),
        Unit.PERSON_TIMES, Total("programmes.people", frozenset({"special_allowance:recipient"}))),
    Indicator(
        "programme_funding", Text("技能人才项目资金", "programme funding"),
        _join(Text("各项目登记的资金合计（元），按批准或拨付日期所在月份计。",
                   "The funding recorded for the programmes, in yuan, in the month it was granted."), _PROGRAMME_PLACE),
        Unit.YUAN, Total("programmes.funding"),
        breakdowns=(_by("programme", "programmes.funding"), _by("source", "programmes.funding_source"))),
)
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
