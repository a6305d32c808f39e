"""The public skilled-talent pages as anyone meets them (no login): the campaign cities with how many people each
shows, and a city's masters' studios, honours and medals — of people who agreed only, masked, and nothing else
about them; withdrawing consent, a merged record or another city's people keep them off."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from credentials.models import DuplicateKind, Worker
from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities
from credentials.services.competitions import record_result, register_competition
from credentials.services.consent import set_public_consent
from credentials.services.merges import merge_workers
from credentials.services.programmes import add_programme_member, create_programme
from credentials.services.recognition import record_honour
from tests.campaign_fixtures import Registry, lathe

STUDIO = "王大明技能大师工作室"


class Cast:
    """Suzhou and Wuxi take part in a campaign. In Suzhou 王大明 (agreed) is a studio's master with two apprentices,
    a 全国技术能手 and a gold medallist; 张小红 (never asked: the default no) holds an honour and a medal too.
    李无锡 (agreed) lives in Wuxi."""

    def __init__(self, registry: Registry, make_user, make_certificate):
        self.registry = registry
        create_campaign(db.session(), code="skills-talents", name_zh="技能振兴", name_en="Skills", by=None,
                        starts_on=date(2013, 2, 1), ends_on=date(2014, 12, 31),
                        phases=[PhaseSpec("launch", "启动", "Launch", date(2013, 2, 1), date(2014, 12, 31))])
        set_campaign_cities(db.session(), self._campaign(), ["3205", "3202"], by=None)
        self.master = registry.worker("王大明")
        make_certificate(self.master, registry.suzhou, level="senior_technician", issued_on=date(2018, 6, 1))
        self.shy = registry.worker("张小红")
        self.wuxi = registry.worker("李无锡", city_code="3202")
        self.accounts = {w.id: make_user("worker", worker=w) for w in (self.master, self.shy, self.wuxi)}
        for worker in (self.master, self.wuxi):
            self.agree(worker)
        studio = create_programme(db.session(), kind="masters_studio", name=STUDIO, tier="city", city_code="3205",
                                  recognised_on=date(2019, 3, 1), occupation=lathe(), by=registry.city)
        add_programme_member(db.session(), studio, worker=self.master, role="master", started_on=date(2019, 3, 1),
                             by=registry.city)
        for apprentice in (registry.worker("徒弟甲"), registry.worker("徒弟乙")):
            add_programme_member(db.session(), studio, worker=apprentice, role="apprentice",
                                 started_on=date(2020, 1, 1), by=registry.city)
        for worker, by in ((self.master, registry.city), (self.shy, registry.city), (self.wuxi, registry.wuxi_city)):
            record_honour(db.session(), worker=worker, title="national_technical_expert", year=2020,
                          awarding_body="人力资源社会保障部", by=by)
        contest = register_competition(db.session(), name="第二届全国技能大赛", tier="national_skills", occupation=lathe(),
                                       starts_on=date(2023, 9, 16), ends_on=date(2023, 9, 19), organizer="人社部",
                                       by=registry.ministry)
        record_result(db.session(), contest, worker=self.master, medal="gold", by=registry.ministry)
        record_result(db.session(), contest, worker=self.shy, medal="silver", by=registry.ministry)
        db.session.commit()

    def _campaign(self):
        from credentials.models import Campaign

        return db.session.query(Campaign).filter_by(code="skills-talents").one()

    def agree(self, worker: Worker, consent: bool = True) -> None:
        set_public_consent(db.session(), worker, consent, by=self.accounts[worker.id])
        db.session.commit()


@pytest.fixture
def cast(registry, make_user, make_certificate) -> Cast:
    return Cast(registry, make_user, make_certificate)


def section(html: str, section_id: str) -> list[str]:
    """The entries listed in one section of a city's page."""
    found = re.search(rf'<section class="panel talents__section" id="{section_id}".*?</section>', html, re.S)
    assert found, section_id
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in re.findall(r'<li class="talent">(.*?)</li>', found.group(0), re.S)]


def city_counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-city="(\d{4})">\s*<span class="talent-cities__name">[^<]*</span>\s*'
                           r'<span class="talent-cities__count">([^<]*)</span>', html))


# ------------------------------------------------------------------ the index

def test_the_index_lists_the_campaign_cities_with_how_many_people_each_shows(client, cast):
    response = client.get("/talents/")

    assert response.status_code == 200  # no login
    assert city_counts(response.text) == {"3202": "1 人", "3205": "1 人"}  # 张小红 is not counted
    assert "南通市" not in response.text  # not a campaign city
    assert 'id="consent-note"' in response.text and "只展示本人同意公开的技能人才" in response.text


def test_the_index_finds_a_city_by_name(client, cast):
    found = client.get("/talents/?q=无锡").text
    nothing = client.get("/talents/?q=火星").text

    assert list(city_counts(found)) == ["3202"]
    assert city_counts(nothing) == {} and 'id="no-cities"' in nothing


def test_the_home_page_links_to_the_talents(client):
    assert 'href="/talents/"' in client.get("/").text


# ------------------------------------------------------------------ a city's page

def test_a_consenting_worker_appears_masked_in_every_section(client, cast):
    html = client.get("/talents/3205").text

    [studio] = section(html, "studios")
    assert studio.startswith("王*明技能大师工作室") and "市级" in studio and "王*明" in studio
    assert "车工" in studio and "带徒 2 人" in studio and "2019 年命名" in studio
    [honour] = section(html, "honours")
    assert honour.startswith("全国技术能手") and "王*明" in honour and "2020 年" in honour
    assert "车工" in honour and "高级技师" in honour  # the highest valid certificate on record
    [medal] = section(html, "medals")
    assert medal.startswith("第二届全国技能大赛") and "金牌" in medal and "王*明" in medal and "2023 年" in medal
    assert "王大明" not in html and 'id="consent-note"' in html


def test_a_worker_who_never_consented_never_appears(client, cast):
    html = client.get("/talents/3205").text

    assert cast.shy.public_profile_consent is False  # nobody asked: the default is no
    assert "张*红" not in html and "张小红" not in html and "银牌" not in html
    assert len(section(html, "honours")) == 1 and len(section(html, "medals")) == 1


def test_withdrawing_consent_removes_them_at_once(client, cast, login):
    login(client, cast.accounts[cast.master.id])
    client.post("/worker/my-data/consent", data={"consent": "no"})
    client.post("/logout")

    html = client.get("/talents/3205").text
    assert "王*明" not in html
    assert section(html, "studios") == section(html, "honours") == section(html, "medals") == []
    assert "暂无可公开展示的荣誉" in html
    assert city_counts(client.get("/talents/").text)["3205"] == "0 人"
    assert client.get("/talents/3205").headers["Cache-Control"] == "no-store"  # nobody keeps the old page


def test_a_merged_record_is_never_shown(client, cast, make_user):
    """The merge moves the honour to the survivor, who did not agree; the merged record's own yes counts no more."""
    survivor, duplicate = cast.registry.worker("赵合并"), cast.registry.worker("赵合并")
    cast.accounts[duplicate.id] = make_user("worker", worker=duplicate)
    cast.agree(duplicate)
    record_honour(db.session(), worker=duplicate, title="city_technical_expert", year=2021, awarding_body="苏州市人民政府",
                  by=cast.registry.city)
    db.session.commit()
    assert "赵*并" in client.get("/talents/3205").text

    merge_workers(db.session(), survivor, duplicate, kind=DuplicateKind.SAME_PERSON_DETAILS, reason="同一人两次登记",
                  by=cast.registry.city)
    db.session.commit()

    assert "赵*并" not in client.get("/talents/3205").text


def test_a_row_left_on_a_merged_record_stays_hidden(client, cast):
    """Whatever a merge leaves behind, a record merged into another is never a person of its own on the page."""
    cast.master.merged_into_id = cast.shy.id
    db.session.commit()

    html = client.get("/talents/3205").text
    assert "王*明" not in html and section(html, "studios") == []
    assert city_counts(client.get("/talents/").text)["3205"] == "0 人"


def test_other_cities_people_are_not_on_a_citys_page(client, cast):
    suzhou, wuxi = client.get("/talents/3205").text, client.get("/talents/3202").text

    assert "李*锡" not in suzhou
    assert [h.split(" ")[0] for h in section(wuxi, "honours")] == ["全国技术能手"] and "李*锡" in wuxi
    assert "王*明" not in wuxi and section(wuxi, "studios") == []


def test_no_id_number_birth_date_or_employer_is_on_either_page(client, cast, vault):
    master = db.session.get(Worker, cast.master.id)
    national_id = vault.reveal(master.id_ciphertext)
    pages = client.get("/talents/3205").text + client.get("/talents/").text

    for secret in (national_id, national_id[-4:] + "<", master.id_masked, master.birth_date.isoformat(),
                   master.birth_date.strftime("%Y%m%d"), "苏州技师学院"):
        assert secret not in pages, secret
    assert not re.search(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", pages)


@pytest.mark.parametrize("code", ["3206", "9999", "abc", "3" * 40, "32"])
def test_a_city_outside_the_campaign_or_no_city_is_not_found(client, cast, code):
    assert client.get(f"/talents/{code}").status_code == 404


def test_the_page_reads_in_english(client, cast):
    html = client.get("/talents/3205?lang=en").text

    assert "gold medal" in html and "National Technical Expert" in html and "city" in section(html, "studios")[0]
    assert "Only people who agreed" in html


def test_the_pages_are_rate_limited_per_client_apart_from_the_verification(app, client, cast, monkeypatch):
    monkeypatch.setitem(app.config, "TALENTS_RATE_LIMIT", "3 per minute")
    visitor = {"REMOTE_ADDR": "203.0.113.9"}

    answers = [client.get(path, environ_base=visitor).status_code
               for path in ("/talents/", "/talents/3205", "/talents/3202", "/talents/")]

    assert answers == [200, 200, 200, 429]
    assert client.get("/talents/", environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code == 200  # another client
    assert client.get("/verify", environ_base=visitor).status_code == 200  # its own bucket
