"""The generator's --scale: N consecutive half-years ending with the year asked for."""

import pytest

from recruit.demo.generate import scaled_years


def test_scale_ten_covers_the_first_halves_of_ten_years_ending_with_the_year():
    assert scaled_years(2026, 10) == list(range(2017, 2027))
    assert scaled_years(2026) == [2026]


def test_scale_below_one_is_refused():
    with pytest.raises(ValueError):
        scaled_years(2026, 0)


def test_generate_refuses_a_scale_reaching_before_2000_and_writes_nothing(runner):
    from recruit.demo.generate import is_generated

    result = runner.invoke(args=["demo", "generate", "--year", "2003", "--scale", "5"])

    assert result.exit_code != 0
    assert "--scale" in result.output and "2000" in result.output
    assert not is_generated(2003)
