"""hnap: HLTA assessment administration for the RPAs of the HLTA National Assessment Partnership."""

from .celery import app as celery_app

__all__ = ("celery_app",)
