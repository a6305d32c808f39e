"""Dates and scores as the forms parse them (app/web/forms.py NumberField, WTForms DateField), then as the domain
takes them: a typed value is a finite number or a real date, or a field error; what is accepted never breaks the
rules that read it (the pass rule, the eligibility engine behind a worker's home page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.web.appraisal_forms import CorrectionForm
from app.web.fact_forms import WorkPeriodForm
from credentials.errors import ValidationFailed
from credentials.queries.progression import next_step
from credentials.services.appraisal import judge_scores
from ladder.appraisal import judge
from ladder.eligibility import Diploma, HeldLevel, NoRegularRoute, TrainingRecord, WorkerHistory, WorkPeriod, evaluate
from ladder.frameworks import get_framework

from .strategies import TODAY, hostile_text

SPECIAL = ["NaN", "-nan", "sNaN", "Infinity", "-inf", "+Infinity", "1e999999999", "-1E+999999999", "9" * 5000,
           "1E-999999999", " 80 ", "８０", "80.5", "59.996", "0.001", "1_000", "0x50", "", " "]
score_texts = st.one_of(hostile_text, st.sampled_from(SPECIAL), st.floats().map(repr),
                        st.decimals(allow_nan=True, allow_infinity=True).map(str),
                        st.decimals(0, 100, places=3).map(str))
LEVELS = [level.code for level in get_framework("skill-2022").appraised]
LATHE, MILLING = "6-18-01-01", "6-18-01-02"


@settings(max_examples=250)
@given(score_texts)
def test_a_typed_score_is_a_finite_number_or_a_field_error(app, text):
    with app.test_request_context(method="POST", data={"theory": text, "practical": "80", "reason": "复核"}):
        form = CorrectionForm()
        valid = form.validate()
        shown = str(form.theory())  # the form is shown again, with what was typed

    if form.theory.errors:
        assert not valid and form.theory.data is None and all(str(e) for e in form.theory.errors)
    else:
        assert valid and isinstance(form.theory.data, Decimal) and form.theory.data.is_finite()
    assert 'name="theory"' in shown


@settings(max_examples=200)
@given(st.one_of(hostile_text, st.dates().map(date.isoformat), st.sampled_from(
    ["0000-01-01", "2024-02-30", "2023-02-29", "10000-01-01", "2024-1-1", "２０２４-０１-０１", "2024-01-01T00:00"])))
def test_a_typed_date_is_a_real_date_or_a_field_error(app, text):
    with app.test_request_context(method="POST", data={"occupation_code": LATHE, "started_on": text}):
        form = WorkPeriodForm()
        form.validate()
        shown = str(form.started_on())

    if form.started_on.errors:
        assert form.started_on.data is None
    else:
        day = form.started_on.data
        assert isinstance(day, date) and [day.year, day.month, day.day] == [int(p) for p in text.strip().split("-")]
    assert 'name="started_on"' in shown


scores = st.one_of(st.decimals(-5, 105, places=3), st.decimals(allow_nan=False, allow_infinity=False),
                   st.sampled_from([Decimal("59.996"), Decimal("59.995"), Decimal("60.00"), Decimal("1E+5000")]))


@settings(max_examples=400)
@given(st.sampled_from(LEVELS), scores, scores, st.one_of(st.none(), scores), st.dates(date(1994, 1, 1), TODAY))
@example("junior", Decimal("59.996"), Decimal("80"), None, date(2024, 6, 3))  # judged a fail, kept as 60.00
def test_scores_are_judged_as_the_record_keeps_them(level, theory, practical, review, on):
    verdict, problems = judge_scores(level, theory, practical, review, on=on)

    if problems:
        assert verdict is None
        assert all(isinstance(p, ValidationFailed) and p.field in ("theory", "practical", "review") for p in problems)
        return
    kept = [None if s is None else Decimal(s).quantize(Decimal("0.01")) for s in (theory, practical, review)]
    as_kept = judge(level, *kept, on=on)  # the scores stored (NUMERIC(5, 2)) give the verdict recorded
    assert (verdict.passed, verdict.outcome, verdict.missing, len(verdict.reasons)) == (
        as_kept.passed, as_kept.outcome, as_kept.missing, len(as_kept.reasons))


any_day = st.dates(date.min, TODAY)


@st.composite
def work_periods(draw, occupations=(LATHE, MILLING)) -> WorkPeriod:
    start = draw(any_day)
    return WorkPeriod(draw(st.sampled_from(occupations)), start, draw(st.one_of(st.none(), st.dates(start, TODAY))))


histories = st.builds(
    WorkerHistory,
    held_levels=st.lists(st.builds(HeldLevel, st.just(LATHE), st.sampled_from(LEVELS), any_day), max_size=2).map(tuple),
    work_periods=st.lists(work_periods(), max_size=3).map(tuple),
    training=st.lists(st.builds(TrainingRecord, st.just(LATHE), st.sampled_from(LEVELS), st.integers(0, 5000),
                                st.one_of(st.none(), any_day)), max_size=2).map(tuple),
    diplomas=st.lists(st.builds(Diploma, st.sampled_from(["technical_school", "technician_college", "bachelor"]),
                                graduated_on=st.one_of(st.none(), any_day)), max_size=1).map(tuple))
SAME_DAY = WorkerHistory(work_periods=(WorkPeriod(LATHE, date(2020, 1, 1)),  # a period, and another occupation's
                                       WorkPeriod(LATHE, date(2020, 1, 1), date(2021, 1, 1))))  # related to it


@settings(max_examples=500)
@given(histories, st.sampled_from(LEVELS), st.dates(date(1994, 1, 1), TODAY))
@example(SAME_DAY, "junior", TODAY)  # was a TypeError: every page with the worker's next level answered 500
def test_any_dates_the_forms_accept_are_judged_by_the_eligibility_engine(history, level, on):
    try:
        result = evaluate(history, LATHE, level, on=on)
    except (NoRegularRoute, LookupError):  # no regular route to the level, no conditions in force: both shown
        return
    assert result.eligible == (result.eligible_from is not None and result.eligible_from <= on)
    assert result.eligible or result.missing
    step = next_step(history, LATHE, on=on)
    assert step is None or step.explanation.zh
