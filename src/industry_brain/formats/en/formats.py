"""The English UI keeps the same ISO dates as the Chinese one."""

from ..zh_Hans.formats import *  # noqa: F403
