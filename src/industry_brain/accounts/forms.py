from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password. After %(limit)s failed attempts the account is locked "
                           "for 30 minutes."),
        "inactive": _("This account is disabled. Ask the city bureau's administrator."),
    }

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.core.exceptions import ValidationError

        return ValidationError(self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
                               code="invalid_login")
