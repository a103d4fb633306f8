"""The words users read for the factory application workflow's steps."""

from industry_brain.core import labels

from .workflows import FACTORY_WORKFLOW

labels.register("factory_step", {t.name: t.past for t in FACTORY_WORKFLOW})
