"""National codes: GB 32100-2015 unified social credit codes (统一社会信用代码).

The check character is computed by python-stdnum (`stdnum.cn.uscc`); this module only adapts it to
Django validation and to the demo generator.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as _E


def normalise_uscc(value: str) -> str:
    return _uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    """Django validator: a well-formed credit code with the right check character."""
    try:
        _uscc.validate(value)
    except InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length") from None
    except InvalidChecksum:
        raise ValidationError(_("The check character of this unified social credit code is wrong."),
                              code="uscc_checksum") from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(_("This is not a valid unified social credit code (GB 32100)."),
                              code="uscc_format") from None
    except _E:
        raise ValidationError(_("This is not a valid unified social credit code (GB 32100)."),
                              code="uscc_invalid") from None


def make_uscc(body17: str) -> str:
    """Append the GB 32100 check character to a 17-character body (used by the demo generator)."""
    return body17 + _uscc.calc_check_digit(body17)
