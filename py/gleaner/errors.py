"""Errors that cross from Python to the UI keep one shape.

``user`` says whether the person can fix it (bad input, missing package) or
whether it is a bug in a plugin or in Gleaner; the UI shows the first as a
sentence and the second with its traceback.
"""

import traceback


class GleanerError(Exception):
    """An expected failure, explained in a plain sentence."""

    user = True

    def __init__(self, message, *, line=None, column=None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def to_dict(self):
        return {
            "type": type(self).__name__,
            "message": self.message,
            "user": self.user,
            "line": self.line,
            "column": self.column,
            "traceback": None,
        }


class PluginInvalid(GleanerError):
    """A scraper file that does not meet the contract; it is never installed."""


class MissingPackage(GleanerError):
    """A scraper requires a package this build does not bundle."""


class UnsupportedOutput(GleanerError):
    """A scraper yielded something that cannot become a JSON record."""

    user = False


class WrongPage(GleanerError):
    """A run named a page other than the one Python holds (two runs overlapped): refused, never answered with the wrong page."""

    user = False


def describe_exception(exc, plugin_filename=None):
    """Turn a plugin's exception into the error dict the UI shows.

    Only the frames inside the plugin file are kept when there are any, so
    the traceback's line numbers are the plugin author's own.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename == plugin_filename] if plugin_filename else []
    # An expected failure is a sentence; so is a plugin's misuse of the
    # contract raised outside its own code. One raised by a call in the
    # plugin (page.follow("mailto:...")) also gets the plugin's line.
    if isinstance(exc, GleanerError) and (exc.user or not own):
        return exc.to_dict()
    if own:
        first = frames.index(own[0])
        frames = traceback.StackSummary.from_list(frames[first:])
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    last_own = None
    if plugin_filename:
        for frame in frames:
            if frame.filename == plugin_filename:
                last_own = frame.lineno
    return {
        "type": type(exc).__name__,
        "message": exc.message if isinstance(exc, GleanerError) else str(exc),
        "user": False,
        "line": last_own,
        "column": None,
        "traceback": "".join(lines),
    }
