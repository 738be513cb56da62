"""Gleaner's command line and browser automation (native only; never shipped to the browser)."""
