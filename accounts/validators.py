"""Pure checks for identifiers providers type in."""

from django.core.exceptions import ValidationError

# An NPI's check digit is the Luhn digit of the 9-digit base prefixed with 80840 (the ISO issuer
# prefix for US health identifiers). CMS, "NPI Check Digit".
NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit that would follow ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # every second digit from the right, starting with the rightmost
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """True when ``npi`` is 10 digits and its last digit is the Luhn digit of 80840 + the first nine."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError("Enter the 10-digit National Provider Identifier (NPI), digits only.", code="npi_format")
    if not npi_is_valid(value):
        raise ValidationError(
            "This NPI is not valid: its last digit does not match. Check it against your NPPES record.",
            code="npi_check_digit",
        )


def npi_with_check_digit(base: str) -> str:
    """The valid NPI for a 9-digit ``base`` (used for demo and test data)."""
    return base + str(luhn_check_digit(NPI_PREFIX + base))
