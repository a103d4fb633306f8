"""Industry Brain (产业大脑): the operating platform of a city's Economy and Information Bureau."""

from .celery import app as celery_app

__all__ = ["celery_app"]
