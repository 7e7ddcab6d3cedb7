"""NPI validation (DESIGN §5): 10 digits with the Luhn check digit over 80840 + the first nine."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import luhn_check_digit, npi_is_valid, npi_with_check_digit, validate_npi


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),  # the CMS worked example
        ("1234567890", False),  # wrong check digit
        ("1245319599", True),
        ("1245319598", False),
        ("123456789", False),  # nine digits
        ("12345678931", False),  # eleven digits
        ("12345678a3", False),
        ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13", False),  # full-width digits
        ("", False),
    ],
)
def test_npi_is_valid(npi, valid):
    assert npi_is_valid(npi) is valid


def test_luhn_check_digit_of_the_cms_example():
    assert luhn_check_digit("80840123456789") == 3


def test_npi_with_check_digit_makes_valid_npis():
    for base in ("123456789", "198765432", "100000000"):
        assert npi_is_valid(npi_with_check_digit(base))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "Enter the 10-digit National Provider Identifier (NPI), digits only."),
        ("1234567890", "This NPI is not valid: its last digit does not match. Check it against your NPPES record."),
    ],
)
def test_validate_npi_explains_the_problem(value, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_npi(value)
    assert excinfo.value.messages == [message]
