"""Gleaner's Python host: the same package runs natively and in Pyodide.

The browser worker and the native CLI both go through ``gleaner.host``; the
plugin contract lives in ``gleaner.plugins`` and is documented in
docs/scraper-contract.md.
"""

CONTRACT_VERSION = 2
