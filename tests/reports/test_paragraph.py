"""The bureau's paragraph: the city's sentence followed by "其中" clauses, page and command."""

import pytest

from recruit.auth.models import Role
from recruit.refdata.services import get_industry_chain


@pytest.fixture
def half_year(fair, attend, hire):
    """Two fairs of the first half: a city fair in 天元区 and a ceramics fair in 醴陵."""
    city = fair(region_code="430211")
    attend(city, openings=(5,))
    hire(city)
    ceramics = get_industry_chain("ceramics")
    liling = fair(region_code="430281", industry_chain_id=ceramics.id)
    attend(liling, openings=(3,))
    hire(liling)
    hire(liling)
    return city, liling


def test_the_command_composes_the_paragraph(runner, half_year):
    result = runner.invoke(
        args=[
            "report",
            "summary",
            "--start",
            "2026-01-01",
            "--end",
            "2026-06-30",
            "--also",
            "430281:ceramics",
        ]
    )
    assert result.exit_code == 0, result.output
    text = result.output.strip()
    assert text.startswith("上半年，全市举办各类招聘会")
    assert text.endswith(
        "。其中在醴陵市，针对陶瓷产业链，共举办线上线下系列招聘会1场，达成初步就业意向2人。"
    )


def test_a_region_clause_without_a_chain(runner, half_year):
    result = runner.invoke(
        args=[
            "report",
            "summary",
            "--start",
            "2026-01-01",
            "--end",
            "2026-06-30",
            "--also",
            "430281",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "。其中在醴陵市，共举办各类招聘会" in result.output


def test_a_clause_outside_the_scope_is_refused(runner, half_year):
    result = runner.invoke(
        args=[
            "report",
            "summary",
            "--start",
            "2026-01-01",
            "--end",
            "2026-06-30",
            "--also",
            "999999",
        ]
    )
    assert result.exit_code == 1 and "错误" in result.output


def test_the_page_shows_the_paragraph_chosen(client, login_as, make_user, half_year):
    login_as(make_user(Role.VIEWER))
    page = client.get(
        "/reports/?preset=custom&start=2026-01-01&end=2026-06-30"
        "&also_region=430281&also_chain=ceramics&also_region=&also_chain="
    ).get_data(as_text=True)
    assert 'data-testid="bureau-paragraph"' in page
    paragraph = page.split('data-testid="bureau-paragraph">', 1)[1].split("</p>", 1)[0]
    assert paragraph == (
        "上半年，全市举办各类招聘会2场，进入市场的用工企业达到2家次，累计提供岗位8个次，"
        "入场求职0人次，初步达成就业意向3人次。"
        "其中在醴陵市，针对陶瓷产业链，共举办线上线下系列招聘会1场，达成初步就业意向2人。"
    )
