"""Gleaner plugins under Scrapy: the same plugin file as a Scrapy spider, alone or on many workers sharing one Redis.

``GleanerSpider`` (``scrapy crawl gleaner -a plugin=FILE -a start=URL``) runs
one plugin through the runner the browser host uses (gleaner/runner.py);
``gleaner.scrapy.distributed`` adds scrapy-redis' shared queue and seen-set,
plus the completion marks that re-queue what a dead worker left unfinished.
Scrapy is a native-only dependency: the browser build leaves this package out.
"""

from .spider import GLEANER_SETTINGS, GleanerSpider

__all__ = ["GLEANER_SETTINGS", "GleanerSpider"]
