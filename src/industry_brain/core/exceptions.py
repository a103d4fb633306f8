"""Domain exceptions that services raise and the edges (API, pages) translate."""

from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(Exception):
    """A workflow step that the current state does not allow (API answers 409)."""

    default_message = _("This step is not allowed in the current state.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
