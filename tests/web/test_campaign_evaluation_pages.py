"""The campaign evaluation pages: the ranking each officer sees (ranks among every campaign city), a city's report
(targets vs actuals with each indicator's description, weights, points, total, grade, rank, comments, when and
from what it was computed, in Chinese and English for filing, printable on A4), both XLSX downloads, the scope,
and the comment form of the province and the ministry."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.config import ROOT
from app.extensions import db
from credentials.models import EvaluationComment
from tests.evaluation_records import CODE, build
from tests.web.html import field_error, rows, sheet_rows

RANKING = f"/bureau/campaigns/{CODE}/evaluation"
SUZHOU = f"/bureau/campaigns/{CODE}/cities/3205/evaluation"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def evaluated(registry, make_user):
    return build(registry, make_user)


@pytest.fixture
def as_(client, login):
    def sign_in(user):
        login(client, user)
        return client
    return sign_in


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]


# ---- the ranking ------------------------------------------------------------------------------------------------

def test_the_ministry_ranks_every_city_a_province_its_own_and_a_city_itself_with_ranks_among_all(evaluated, as_, app,
                                                                                                   login):
    html = as_(evaluated.ministry).get(RANKING + "?as_of=2014-12-31").text
    assert [cells(r)[:5] for r in rows(html, "ranking")] == [
        ["1", "苏州市", "江苏省", "95.0", "优秀"], ["2", "无锡市", "江苏省", "50.0", "不合格"],
        ["3", "杭州市", "浙江省", "0.0", "不合格"], ["—", "南京市", "江苏省", "—", "未评分"]]
    assert "在全部 4 个参加城市中排名，其中 3 个评分" in html
    assert "评分办法 skills-100-2013.v1" in html and 'id="weights"' in html

    province = app.test_client()
    login(province, evaluated.province)
    assert [cells(r)[:2] for r in rows(province.get(RANKING + "?as_of=2014-12-31").text, "ranking")] == [
        ["1", "苏州市"], ["2", "无锡市"], ["—", "南京市"]]
    city = app.test_client()
    login(city, evaluated.city)
    assert [cells(r)[:2] for r in rows(city.get(RANKING + "?as_of=2014-12-31").text, "ranking")] == [["1", "苏州市"]]


def test_the_as_of_date_recomputes_and_a_date_the_campaign_cannot_score_is_explained(evaluated, as_):
    client = as_(evaluated.ministry)
    early = client.get(RANKING + "?as_of=2013-06-30").text
    assert [cells(r)[:4] for r in rows(early, "ranking")][:3] == [
        ["1", "苏州市", "江苏省", "45.0"], ["2", "无锡市", "江苏省", "0.0"], ["2", "杭州市", "浙江省", "0.0"]]
    assert 'id="progress-note"' in early  # before the evaluation phase: progress only

    for value, message in (("2013-13-01", "请按 2014-12-31 的格式填写日期"), ("2013-01-31", "不能早于活动开始日期 2013-02-01")):
        response = client.get(f"{RANKING}?as_of={value}")
        assert response.status_code == 200 and message in field_error(response.text, "as_of")
        assert 'id="ranking"' not in response.text


def test_the_ranking_downloads_as_xlsx_with_each_indicators_target_actual_and_points(evaluated, as_):
    sheet = sheet_rows(as_(evaluated.ministry).get(f"{RANKING}.xlsx?as_of=2014-12-31"))

    header = sheet[0]
    assert header[:7] == ("排名", "城市代码", "城市", "省份", "总分", "评估等级", "设有目标的指标")
    assert "职业培训人次：全程目标" in header
    suzhou = dict(zip(header, sheet[1], strict=False))
    assert (suzhou["排名"], suzhou["城市"], suzhou["总分"], suzhou["评估等级"]) == (1, "苏州市", 95, "优秀")
    assert (suzhou["职业培训人次：全程目标"], suzhou["职业培训人次：实绩"], suzhou["职业培训人次：得分"]) == (2, 2, 26.67)
    assert [r[1] for r in sheet[1:5]] == ["3205", "3202", "3301", "3201"]
    assert any(r and r[0] == "计算依据" and "skills-100-2013.v1" in r[1] for r in sheet)


# ---- a city's report --------------------------------------------------------------------------------------------

def test_the_report_shows_targets_actuals_points_total_grade_rank_and_what_it_was_computed_from(evaluated, as_):
    html = as_(evaluated.province).get(SUZHOU + "?as_of=2014-12-31").text

    assert re.search(r'id="total">95\.0<', html) and "优秀" in html
    assert re.search(r'id="rank"><span class="eval-summary__rank">1</span>', html)
    assert "共 4 个参加城市，其中 3 个评分" in html and "among 4 campaign cities, 3 of them scored" in html
    lines = {re.search(r'data-indicator="(\w+)"', r).group(1): cells(r) for r in
             re.findall(r"<tr data-indicator.*?</tr>", html, re.S)}
    assert lines["pass_rate"][2:8] == ["80", "50", "62.50%", "10", "13.33", "8.33"]
    assert lines["trainees"][2:8] == ["2", "2", "100.00%", "20", "26.67", "26.67"]
    assert "未设目标，不计分" in lines["competitions_held"][8] and lines["competitions_held"][7] == "—"
    assert "4 项指标未设目标" in html  # the re-normalised weights are said in the report
    # each indicator's plain description, and when and from what the scores were computed
    assert "每报名参加一次培训计 1 人次" in html and "Each enrolment counts once" in html
    assert re.search(r"于 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）计算，依据登记簿截至 2014-12-31 的统计数据", html)
    assert "scoring rule skills-100-2013.v1, in force from 2013-02-01" in html


def test_the_report_is_bilingual_and_prints_on_a4(evaluated, as_):
    html = as_(evaluated.ministry).get(SUZHOU + "?as_of=2014-12-31").text

    english = re.findall(r'<span class="bilingual__en[^"]*" lang="en">(.*?)</span>', html, re.S)
    assert len(english) > 40 and not [text for text in english if CJK.search(text)]
    assert "City performance evaluation report" in html and "Targets and actuals" in html
    assert 'data-print-report' in html and "js/campaign-evaluation.js" in html and "css/campaign-evaluation.css" in html
    css = (ROOT / "static" / "css" / "campaign-evaluation.css").read_text(encoding="utf-8")
    assert "@media print" in css and "size: A4" in css


def test_the_report_downloads_as_xlsx_with_the_indicators_and_how_it_was_computed(evaluated, as_):
    sheet = sheet_rows(as_(evaluated.city).get(SUZHOU + ".xlsx?as_of=2014-12-31"))

    by_label = {r[0]: r[1:] for r in sheet if r and r[0]}
    assert by_label["总分"][0] == 95 and by_label["评估等级"][0] == "优秀" and by_label["排名"][0] == 1
    assert "2014-12-31" in by_label["计算依据"][0]
    header = next(r for r in sheet if r and r[0] == "指标代码")
    trainees = dict(zip(header, next(r for r in sheet if r and r[0] == "trainees"), strict=False))
    assert (trainees["全程目标"], trainees["实绩"], trainees["完成率（%）"], trainees["得分"]) == (2, 2, 100, 26.67)
    assert trainees["指标说明"].startswith("每报名参加一次培训计 1 人次")


@pytest.mark.parametrize("path", [SUZHOU, SUZHOU + ".xlsx", f"/bureau/campaigns/{CODE}/cities/3203/evaluation",
                                  f"/bureau/campaigns/{CODE}/cities/x/evaluation", "/bureau/campaigns/none/evaluation"])
def test_another_regions_city_an_unknown_city_or_campaign_answers_404(evaluated, registry, as_, path):
    assert as_(registry.wuxi_city).get(path).status_code == 404


def test_another_province_does_not_see_the_city_but_ranks_its_own_among_all(evaluated, as_):
    client = as_(evaluated.zhejiang)
    assert client.get(SUZHOU).status_code == 404
    assert [cells(r)[:2] for r in rows(client.get(RANKING + "?as_of=2014-12-31").text, "ranking")] == [["3", "杭州市"]]


# ---- comments ---------------------------------------------------------------------------------------------------

def test_the_province_comments_through_the_form_and_the_comment_prints_with_the_report(evaluated, as_):
    client = as_(evaluated.province)
    page = client.get(SUZHOU).text
    assert 'id="comment-form"' in page and 'id="no-comments"' in page

    refused = client.post(SUZHOU + "/comments", data={"text": "  "})
    assert refused.status_code == 422 and "必填" in field_error(refused.text, "text")

    response = client.post(SUZHOU + "/comments?as_of=2014-12-31", data={"text": "合格率偏低，请加强考前培训。"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/evaluation?as_of=2014-12-31#comments")
    html = client.get(SUZHOU + "?as_of=2014-12-31").text
    comments = html.split('id="comment-list"')[1].split("</ol>")[0]
    assert "合格率偏低，请加强考前培训。" in comments and "省级意见" in comments and "Province" in comments
    assert html.index('id="comment-list"') < html.index('id="provenance"')  # inside the printed report


def test_the_ministry_comments_and_the_city_neither_sees_the_form_nor_may_post(evaluated, as_, app, login):
    ministry = as_(evaluated.ministry)
    assert ministry.post(SUZHOU + "/comments", data={"text": "同意省厅意见。"}).status_code == 302
    city = app.test_client()
    login(city, evaluated.city)
    page = city.get(SUZHOU).text
    assert 'id="comment-form"' not in page and "同意省厅意见。" in page and "部级意见" in page
    assert city.post(SUZHOU + "/comments", data={"text": "自评"}).status_code == 403
    assert [(c.level.value, c.author_id) for c in db.session.scalars(select(EvaluationComment))] == [
        ("ministry", evaluated.ministry.id)]


def test_a_report_that_cannot_be_computed_says_why_keeps_its_comments_and_exports_nothing(evaluated, as_):
    client = as_(evaluated.province)
    client.post(SUZHOU + "/comments", data={"text": "进度偏慢。"})

    response = client.get(SUZHOU + "?as_of=2099-01-01")
    assert response.status_code == 200 and "日期不能晚于今天" in field_error(response.text, "as_of")
    assert 'id="evaluation-report"' not in response.text and "进度偏慢。" in response.text
    export = client.get(SUZHOU + ".xlsx?as_of=2099-01-01")
    assert export.status_code == 302 and export.headers["Location"].endswith("/cities/3205/evaluation")


def test_the_pages_read_in_english_and_an_admin_reads_every_region(evaluated, app, make_user, login):
    admin = app.test_client()
    login(admin, make_user("admin"))
    english = admin.get(SUZHOU + "?as_of=2014-12-31&lang=en").text
    assert "Recompute" in english and "Print the report" in english and 'id="comment-form"' not in english
    assert [cells(r)[1] for r in rows(admin.get(RANKING + "?as_of=2014-12-31&lang=en").text, "ranking")] == [
        "苏州市", "无锡市", "杭州市", "南京市"]
