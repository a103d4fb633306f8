"""GB 32100 credit codes, GB/T 2260 districts, official working days."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from industry_brain.core import workdays
from industry_brain.core.codes import make_uscc, validate_uscc
from industry_brain.core.geo import district_of_point, random_point_in_district


def test_credit_code_check_character():
    validate_uscc("91330000733796106P")
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91330000733796106X")
    assert exc.value.code == "uscc_checksum"
    with pytest.raises(ValidationError) as exc:
        validate_uscc("9133000073379610")
    assert exc.value.code == "uscc_length"
    with pytest.raises(ValidationError):
        validate_uscc("9133000073379610IP")  # I is not in the GB 32100 alphabet


def test_generated_codes_validate():
    code = make_uscc("91330106MA2ABCDE1")
    validate_uscc(code)
    assert len(code) == 18


def test_working_days_over_the_national_day_holiday():
    # 2025-10-01..08 are holidays; Saturday 2025-10-11 is an adjusted working day.
    assert workdays.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert workdays.add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)
    assert workdays.is_working_day(dt.date(2025, 9, 28))  # adjusted working Sunday
    assert not workdays.is_working_day(dt.date(2025, 10, 6))
    assert workdays.working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 11)) == 3


def test_zero_days_and_weekends():
    friday = dt.date(2026, 11, 20)
    assert workdays.add_working_days(friday, 0) == friday
    assert workdays.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    with pytest.raises(ValueError):
        workdays.add_working_days(friday, -1)


def test_unknown_years_fall_back_to_weekdays():
    assert workdays.is_working_day(dt.date(2040, 1, 2))  # a Monday in a year the package does not know
    assert not workdays.is_working_day(dt.date(2040, 1, 7))  # a Saturday


@pytest.mark.parametrize("code", ["330102", "330106", "330109", "330127", "330182"])
def test_random_points_fall_inside_their_district(code):
    import random

    rng = random.Random(7)
    for _ in range(20):
        lon, lat = random_point_in_district(code, rng)
        assert district_of_point(lon, lat) == code


def test_points_outside_the_city():
    assert district_of_point(121.47, 31.23) is None  # Shanghai
    assert district_of_point(120.13, 30.26) == "330106"  # 西湖
