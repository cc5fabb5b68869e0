"""Public position search at /positions/."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.employers.models import EmployerStatus
from recruit.fairs.models import FairPosition, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.positions.models import PositionStatus
from recruit.refdata.codes import Education
from recruit.refdata.models import IndustryChain


def _titles(client, query: str = "") -> list[str]:
    page = client.get(f"/positions/{query}").get_data(as_text=True)
    return re.findall(
        r'<div class="d-flex justify-content-between flex-wrap"><strong>(.*?)</strong>', page
    )


@pytest.fixture
def ceramics(db):
    return db.session.scalar(sa.select(IndustryChain).where(IndustryChain.code == "ceramics"))


def test_only_public_positions_are_listed(client, db, make_position, make_employer):
    make_position(title="招聘中岗位")
    make_position(title="草稿岗位", status=PositionStatus.DRAFT)
    make_position(title="待审岗位", status=PositionStatus.PENDING)
    make_position(title="关闭岗位", status=PositionStatus.CLOSED)
    make_position(title="过期岗位", valid_until=local_today() - timedelta(days=1))
    make_position(title="暂停企业岗位", employer=make_employer(status=EmployerStatus.SUSPENDED))

    assert _titles(client) == ["招聘中岗位"]


def test_keyword_matches_title_employer_and_description(client, db, make_position, make_employer):
    make_position(title="窑炉工")
    make_position(title="普工", employer=make_employer(name="窑变艺术瓷厂"))
    make_position(title="包装工", description="协助窑炉装卸")
    make_position(title="会计")

    assert sorted(_titles(client, "?q=窑")) == ["包装工", "普工", "窑炉工"]


def test_a_keyword_with_like_wildcards_is_taken_literally(client, db, make_position):
    make_position(title="普工")

    assert _titles(client, "?q=%25") == []


def test_region_filter_includes_only_that_region(client, db, make_position, make_employer):
    make_position(title="醴陵岗位", employer=make_employer(region_code="430281"))
    make_position(title="天元岗位", employer=make_employer(region_code="430211"))

    assert _titles(client, "?region=430281") == ["醴陵岗位"]


def test_industry_chain_filter(client, db, make_position, make_employer, ceramics):
    make_position(title="陶瓷岗位", employer=make_employer(industry_chain_id=ceramics.id))
    make_position(title="其他岗位")

    assert _titles(client, f"?chain={ceramics.id}") == ["陶瓷岗位"]


def test_education_filter_lists_positions_the_seeker_qualifies_for(client, db, make_position):
    make_position(title="不限学历", education=Education.NONE)
    make_position(title="要大专", education=Education.JUNIOR_COLLEGE)
    make_position(title="要本科", education=Education.BACHELOR)

    assert sorted(_titles(client, "?education=junior_college")) == ["不限学历", "要大专"]


def test_minimum_salary_filter_leaves_out_lower_and_negotiable(client, db, make_position):
    make_position(title="高薪", salary_min=6000, salary_max=9000)
    make_position(title="可达", salary_min=4000, salary_max=6000)
    make_position(title="低薪", salary_min=3000, salary_max=4500)
    make_position(title="面议", salary_min=None, salary_max=None, salary_negotiable=True)

    assert sorted(_titles(client, "?min_salary=5000")) == ["可达", "高薪"]


def test_fair_filter_lists_positions_offered_by_accepted_employers(
    client, db, make_position, make_fair
):
    fair = make_fair()
    for title, status in (("本场岗位", ParticipationStatus.APPROVED), ("未审岗位", None)):
        position = make_position(title=title)
        participation = Participation(
            fair=fair,
            employer=position.employer,
            status=status or ParticipationStatus.REQUESTED,
        )
        participation.fair_positions.append(FairPosition(position=position, openings=1))
        db.session.add(participation)
    make_position(title="场外岗位")
    db.session.flush()

    assert _titles(client, f"?fair={fair.id}") == ["本场岗位"]


def test_results_are_paged_newest_first(client, db, make_position, app):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 5):
        position = make_position(title=f"岗位{n:02d}")
        position.published_at = position.created_at + timedelta(minutes=n)
    db.session.flush()

    first = _titles(client)
    second = _titles(client, "?page=2")

    assert len(first) == size and len(second) == 5
    assert first[0] == f"岗位{size + 4:02d}" and second[-1] == "岗位00"
    assert "共找到 25 个岗位" in client.get("/positions/").get_data(as_text=True)


def test_filters_survive_paging(client, db, make_position, app, make_employer):
    employer = make_employer(region_code="430281")
    for n in range(app.config["PAGE_SIZE"] + 1):
        make_position(title=f"醴陵{n:02d}", employer=employer)

    page = client.get("/positions/?region=430281").get_data(as_text=True)

    assert "region=430281" in page.split('aria-label="分页"')[1]


def test_nonsense_filters_are_ignored_not_errors(client, db, make_position):
    make_position(title="普工")

    response = client.get("/positions/?min_salary=abc&chain=x&education=phd&page=zz")

    assert response.status_code == 200
    assert "普工" in response.get_data(as_text=True)


def test_a_broad_search_counts_up_to_the_cap_and_says_so(client, db, make_position, monkeypatch):
    import recruit.public.positions as search_page

    for _ in range(5):
        make_position(title="封顶计数工")
    db.session.commit()
    monkeypatch.setattr(search_page, "SEARCH_COUNT_CAP", 3)
    body = client.get("/positions/?q=封顶计数工").get_data(as_text=True)
    assert "共找到 3+ 个岗位" in body and "缩小范围" in body
    monkeypatch.setattr(search_page, "SEARCH_COUNT_CAP", 10)
    assert "共找到 5 个岗位" in client.get("/positions/?q=封顶计数工").get_data(as_text=True)


def test_every_word_must_match_somewhere(client, make_employer, make_position):
    liling = make_employer(name="醴陵某日用瓷厂", region_code="430281")
    tianyuan = make_employer(name="天元某瓷业公司", region_code="430211")
    make_position(employer=liling, title="陶瓷彩绘工", work_region_code="430281")
    make_position(employer=tianyuan, title="陶瓷成型工", work_region_code="430211")
    make_position(employer=liling, title="仓库管理员", work_region_code="430281")

    for q in ("醴陵 陶瓷", "醴陵\u3000陶瓷", "  陶瓷   醴陵 "):
        page = client.get("/positions/", query_string={"q": q}).get_data(as_text=True)
        assert "陶瓷彩绘工" in page, q
        assert "陶瓷成型工" not in page and "仓库管理员" not in page, q


def test_title_matches_come_first(client, make_employer, make_position):
    employer = make_employer(name="株洲某机械公司")
    # The title match is the older posting: newest-first alone would put it second.
    make_position(employer=employer, title="数控车床操作工", description="三班倒")
    make_position(employer=employer, title="普工", description="负责数控车床上下料")
    page = client.get("/positions/", query_string={"q": "数控车床"}).get_data(as_text=True)
    assert page.index("数控车床操作工") < page.index("普工")
