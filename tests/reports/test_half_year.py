"""`flask demo generate --profile half-year` gives exactly the bureau's two sentences.

The data set is generated once for this module, inside a transaction rolled back at the end.
"""

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.demo.generate import AlreadyGenerated, generate_half_year, is_generated
from recruit.employers.models import Employer
from recruit.extensions import db as _db
from recruit.fairs.models import Fair, FairStatus, Participation, ParticipationStatus, SeekerTally
from recruit.hires.models import TentativeHire
from recruit.refdata.codes import FairMode

YEAR = 2031
H1 = ["--start", f"{YEAR}-01-01", "--end", f"{YEAR}-06-30"]


@pytest.fixture(scope="module")
def half_year(app):
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = so.scoped_session(
            so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            result = app.test_cli_runner().invoke(
                args=["demo", "generate", "--profile", "half-year", "--year", str(YEAR)]
            )
            yield result
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def db(half_year):
    """Replace the per-test transaction: these tests read the module's generated data set."""
    yield _db


def test_the_generate_command_reports_what_it_wrote(half_year):
    assert half_year.exit_code == 0, half_year.output
    assert f"生成{YEAR}年上半年数据" in half_year.output
    assert "已生成：企业 1700，岗位 5100，招聘会 219，" in half_year.output
    assert "就业意向 32000。" in half_year.output


def test_half_year_prints_the_citys_sentence(runner):
    result = runner.invoke(args=["report", "summary", *H1])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "上半年，全市举办各类招聘会219场，进入市场的用工企业达到5248家次，累计提供岗位19.17万个次，"
        "入场求职11.1万人次，初步达成就业意向3.2万人次。"
    )


def test_half_year_prints_the_liling_ceramics_sentence(runner):
    args = ["report", "summary", *H1, "--region", "430281", "--industry-chain", "ceramics"]
    result = runner.invoke(args=args)

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "其中在醴陵市，针对陶瓷产业链，共举办线上线下系列招聘会17场，达成初步就业意向2307人。"
    )


def test_half_year_exact_counts_by_hand():
    session = _db.session
    fair_ids = sa.select(Fair.id).where(Fair.title.not_like("测试%"))
    assert session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 32_000
    assert (
        session.scalar(
            sa.select(sa.func.count(Participation.id)).where(
                Participation.status == ParticipationStatus.ATTENDED,
                Participation.fair_id.in_(fair_ids),
            )
        )
        == 5248
    )
    assert session.scalar(sa.select(sa.func.sum(SeekerTally.count))) == 111_000


def test_half_year_is_spread_over_months_counties_types_and_modes():
    session = _db.session
    fairs = sa.select(Fair).where(Fair.status == FairStatus.CLOSED)
    rows = session.scalars(fairs).all()
    months = {f.starts_at.month for f in rows}
    assert len(rows) == 219
    assert len(months) == 6
    assert len({f.region_code for f in rows}) >= 8
    assert len({f.type for f in rows}) >= 5
    assert {f.mode for f in rows} == set(FairMode)
    # Realistic blemishes the metrics must not count: no-shows and tally corrections.
    assert session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.status == ParticipationStatus.NO_SHOW
        )
    )
    assert session.scalar(sa.select(sa.func.count(SeekerTally.id)).where(SeekerTally.count < 0))


def test_generating_the_same_year_again_is_refused(runner):
    assert is_generated(YEAR)
    with pytest.raises(AlreadyGenerated):
        generate_half_year(YEAR)
    _db.session.rollback()

    result = runner.invoke(args=["demo", "generate", "--profile", "half-year", "--year", str(YEAR)])

    assert result.exit_code == 0, result.output
    assert "已存在，未做改动" in result.output
    assert _db.session.scalar(sa.select(sa.func.count(Employer.id))) == 1700


def test_another_year_is_not_marked_as_generated():
    assert not is_generated(YEAR + 1)
