"""Fixtures of the employer self-service tests: a signed-in employer and valid form data."""

from datetime import timedelta

import pytest

from recruit.auth.models import Role
from recruit.formatting import local_today


@pytest.fixture
def employer_user(make_user, make_employer):
    """An employer account of an approved employer in 天元区."""
    return make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))


@pytest.fixture
def signed_in(employer_user, login_as):
    login_as(employer_user)
    return employer_user


@pytest.fixture
def position_form():
    """Return valid position form data, with any field overridden."""

    def build(**overrides) -> dict:
        data = {
            "title": "陶瓷成型工",
            "occupation_major_group": "6",
            "occupation_code": "",
            "openings": "3",
            "salary_min": "4000",
            "salary_max": "6000",
            "education": "none",
            "experience": "none",
            "employment_type": "full_time",
            "work_region_code": "430211",
            "work_address": "天元区株洲大道 1 号",
            "description": "负责陶瓷坯体成型，提供食宿。",
            "contact_name": "李女士",
            "contact_phone": "13800000000",
            "valid_until": (local_today() + timedelta(days=90)).isoformat(),
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build
