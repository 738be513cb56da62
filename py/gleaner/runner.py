"""Running one scraper entry point on one page: the one runtime the browser host, the CLI and Scrapy share.

A run hands the page to the plugin's function, takes what it yields or
returns apart into records (checked JSON dicts) and follow requests
(``page.follow``), and keeps them in a sink of its own, so nothing of a run
lives on the shared Page. The rules every caller obeys are here, once: the
time limit and its allowance for large pages, the output checks and cap, the
timeout message, and the shape of a result.
"""

import contextlib
import json
import time

from .errors import GleanerError, describe_exception
from .follow import Follow
from .records import to_record

# A scraper without a TIMEOUT of its own is stopped after this long...
DEFAULT_TIMEOUT_SECONDS = 10
# ...plus this much per MB of page past the first, since a scraper's work
# grows with the page (built-ins then finish on a 20 MB page).
ALLOWANCE_SECONDS_PER_MB = 1
# One scraper's output as JSON text may not exceed this: the whole run
# crosses extension messages, which Chrome caps at 64 MiB of JSON.
MAX_OUTPUT_CHARS = 16 * 1024 * 1024
# How long a plugin gets to unwind after the KeyboardInterrupt that stops it.
INTERRUPT_GRACE_SECONDS = 1
# Python in the browser has at most a wasm32 heap; a native child gets a
# comparable ceiling, so a plugin that hoards memory meets MemoryError, not
# the machine's swap.
CHILD_MEMORY_BYTES = 2 * 2**30


class OutputTooLarge(GleanerError):
    """A scraper produced more records than one run can carry."""


def page_allowance_seconds(page_chars):
    """Extra seconds every scraper gets on a page of this many characters."""
    return max(0, page_chars // 2**20 - 1) * ALLOWANCE_SECONDS_PER_MB


def time_limit_seconds(plugin, page_chars, default=DEFAULT_TIMEOUT_SECONDS):
    """The plugin's own TIMEOUT (or the default) plus the page's allowance."""
    return (plugin.timeout or default) + page_allowance_seconds(page_chars)


# How a stopped scraper is reported, here and in the browser host, which
# fills the same {placeholders} (it has the words from time_limit_rules()).
TIMEOUT_MESSAGE = "{title} was stopped after {seconds} s, its time limit: it ran too long (an endless loop?). {how}"
KEPT_RECORDS_MESSAGE = "The {count} records it gave before that are kept."


def time_limit_rules():
    """The time-limit rules the browser host enforces (it asks Python for them at boot, so they have one source)."""
    return {
        "defaultTimeoutMs": DEFAULT_TIMEOUT_SECONDS * 1000,
        "interruptGraceMs": INTERRUPT_GRACE_SECONDS * 1000,
        "timeoutMessage": TIMEOUT_MESSAGE,
        "keptRecordsMessage": KEPT_RECORDS_MESSAGE,
    }


def timeout_error(title, seconds, how):
    """The error of a scraper stopped at its time limit; ``how`` says what became of its records."""
    return {"type": "Timeout", "message": TIMEOUT_MESSAGE.format(title=title, seconds=f"{seconds:g}", how=how), "user": True}


def kept_records_sentence(count):
    return KEPT_RECORDS_MESSAGE.format(count=count) if count else "It was interrupted."


def make_result(scraper, title, records=(), follows=(), ms=None, error=None):
    """A run's result, the one shape every host returns (and JSON carries):
    ``{"scraper", "title", "ok", "records", "follows", "ms"}`` plus ``"error"`` when not ok."""
    result = {
        "scraper": scraper,
        "title": title or scraper,
        "ok": error is None,
        "records": list(records),
        "follows": [f.to_dict() if isinstance(f, Follow) else f for f in follows],
        "ms": ms,
    }
    if error is not None:
        result["error"] = error
    return result


def _record_encoder():
    """json.dumps(record, ensure_ascii=False) for a checked record, without making an encoder per call.

    json.dumps builds a JSONEncoder and then a C encoder for every call with
    options, a few microseconds each: most of the check on a record of a
    few strings, and a big page's scrapers yield tens of thousands. A
    record fresh from to_record holds no cycles, so the encoder keeps no
    circular-reference markers (which an error mid-record would leave
    behind).
    """
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without json's C speedups
        return encoder.encode
    encode = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, False, False, True)
    return lambda record: "".join(encode(record, 0))


_record_json = _record_encoder()


class RunSink:
    """What one run produced so far: its records and follows, and their size as JSON.

    With ``as_text``, the records are kept only as the JSON text each one's
    check writes (``record_texts``), which is what the browser carries back:
    no record is serialised twice, nor kept twice.
    """

    def __init__(self, plugin, as_text=False):
        self.plugin = plugin
        self.records = []
        self.record_texts = [] if as_text else None
        self.follows = []
        self.chars = 0

    @property
    def count(self):
        return len(self.records if self.record_texts is None else self.record_texts)

    def add(self, value):
        if isinstance(value, Follow):
            self.plugin.entry_point(value.callback)  # a callback computed at run time must exist too
            item, target = value.to_dict(), self.follows
            size = len(json.dumps(item, ensure_ascii=False))
        else:
            item, target = to_record(value, self.count), self.records
            text = _record_json(item)
            size = len(text)
        # Serialised here, inside the guard, so a value json cannot write
        # (an int of 10**5000 digits) fails this plugin and not the run.
        self.chars += size
        if self.chars > MAX_OUTPUT_CHARS:
            raise OutputTooLarge(
                f"{self.plugin.name} produced more than {MAX_OUTPUT_CHARS // 2**20} MB of records; "
                f"the first {self.count} are kept"
            )
        if target is self.records and self.record_texts is not None:
            self.record_texts.append(text)
            return item
        target.append(value if isinstance(value, Follow) else item)
        return target[-1]


def iter_output(plugin, page, callback=None, sink=None):
    """Run the entry point ``callback`` (``scrape`` when None) on ``page`` and
    yield each record (a JSON-ready dict) and each Follow as it comes, checked.

    This is what a Scrapy callback wraps: records become items, follows
    requests. Exceptions, the plugin's own included, propagate.
    """
    sink = sink or RunSink(plugin)
    output = plugin.scrape(page, callback)
    if output is None:
        output = ()
    elif isinstance(output, (dict, Follow)):
        output = (output,)
    for value in output:
        yield sink.add(value)


def run_plugin(plugin, page, callback=None, scope=None):
    """Run one entry point and return its result; a plugin's exception never escapes.

    Records and follows yielded before a failure are kept. KeyboardInterrupt
    is how the browser host stops a plugin that overran its time (Pyodide's
    interrupt buffer) and how a person stops the CLI: the plugin is reported
    as interrupted with its output so far. ``scope`` (a
    gleaner.packages.PackageScope) makes the plugin's own packages
    importable for this run only.
    """
    sink = RunSink(plugin)
    ms, error = run_into(sink, plugin, page, callback, scope)
    return make_result(plugin.name, plugin.title, sink.records, sink.follows, ms, error)


def run_into(sink, plugin, page, callback=None, scope=None):
    """run_plugin's run, its output into ``sink``: returns (ms, error), error None when it went well."""
    started = time.perf_counter()
    error = None
    try:
        with scope or contextlib.nullcontext():
            for _ in iter_output(plugin, page, callback, sink):
                pass
    except (Exception, KeyboardInterrupt) as exc:  # the plugin is someone else's code: report, never crash
        explained = scope.explain(exc, plugin.title or plugin.name) if scope else None
        error = explained.to_dict() if explained else describe_exception(exc, plugin.filename)
    return round((time.perf_counter() - started) * 1000, 1), error


def run_plugin_text(plugin, page, callback=None, scope=None):
    """run_plugin's result as the browser carries it (see result_text), each record serialised once."""
    sink = RunSink(plugin, as_text=True)
    ms, error = run_into(sink, plugin, page, callback, scope)
    return result_text(make_result(plugin.name, plugin.title, (), sink.follows, ms, error), sink.record_texts)


def result_text(result, record_texts=()):
    """A result as two lines of JSON text: the result without its records (their
    ``count`` instead, and ``serialiseMs``, the time this took), then the
    records' JSON array, made of each record's own text. The browser host
    reads the first line and carries the second as it is, to where the
    records are shown, stored or exported (json.dumps never writes a raw
    line break, so the first one ends the first line)."""
    started = time.perf_counter()
    records = "[" + ", ".join(record_texts) + "]"
    head = {key: value for key, value in result.items() if key != "records"}
    head["count"] = len(record_texts)
    head["serialiseMs"] = round((time.perf_counter() - started) * 1000, 1)
    return json.dumps(head, ensure_ascii=False) + "\n" + records


def read_result_text(text):
    """The result (make_result's shape, ``count`` and ``serialiseMs`` left
    out) from result_text's two lines."""
    head, _, records = text.partition("\n")
    result = json.loads(head)
    del result["count"], result["serialiseMs"]
    return {**result, "records": json.loads(records)}


def run_limited(plugin, page, seconds=None, callback=None, scope=None):
    """run_plugin under a time limit, natively: in a forked child, as the browser host runs it in its worker.

    ``seconds`` defaults to the plugin's time limit on this page. Past it the
    child gets SIGINT (KeyboardInterrupt: the plugin's output so far comes
    back), then SIGKILL if it will not stop. A child that dies (memory
    exhausted) fails only this scraper. Where fork is missing (Pyodide,
    Windows) the plugin runs here without a limit.
    """
    return run_limited_many([(plugin, seconds, scope)], page, callback, processes=1)[0]


def run_limited_many(runs, page, callback=None, processes=None):
    """run_limited for several plugins on one page, up to ``processes`` children at once (default: one per CPU).

    ``runs`` holds ``(plugin, seconds, scope)`` triples; the results come in
    their order, whichever child ends first. Each child has its own time
    limit, counted from its own start. The children are forked from this
    process and share its copy of the page's tree: build what they all use
    (the tree, its tag index) before calling this, and freeze it out of the
    collector's reach (gc.freeze), or each child copies the pages the
    collector's walk touches.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return [run_plugin(plugin, page, callback, scope) for plugin, _seconds, scope in runs]
    from multiprocessing.connection import wait

    processes = max(1, processes or _cpu_count())
    waiting = list(enumerate(runs))
    running = {}  # index in runs -> _LimitedRun
    results = [None] * len(runs)
    while waiting or running:
        while waiting and len(running) < processes:
            index, (plugin, seconds, scope) = waiting.pop(0)
            if seconds is None:
                seconds = time_limit_seconds(plugin, len(page.html))
            running[index] = _LimitedRun(plugin, page, seconds, callback, scope)
        first_deadline = min(run.deadline for run in running.values())
        ready = wait([run.receive for run in running.values()], timeout=max(0.0, first_deadline - time.monotonic()))
        for index, run in list(running.items()):
            if run.receive in ready or time.monotonic() >= run.deadline:
                results[index] = run.finish()
                del running[index]
    return results


def _cpu_count():
    import os

    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, where the system says
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _LimitedRun:
    """One plugin running in a forked child, with its deadline."""

    def __init__(self, plugin, page, seconds, callback, scope):
        import multiprocessing

        self.plugin, self.seconds = plugin, seconds
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.started = time.perf_counter()
        self.deadline = time.monotonic() + seconds
        self.child = context.Process(target=_run_child, args=(plugin, page, callback, send, scope), daemon=True)
        self.child.start()
        send.close()

    def finish(self):
        """The child's result: what it sent, else (past its deadline) what it sends once interrupted."""
        import os
        import signal

        plugin, receive, child = self.plugin, self.receive, self.child
        result = how = None
        try:
            if receive.poll(max(0.0, self.deadline - time.monotonic())):
                result = receive.recv()
            else:
                if child.pid:
                    os.kill(child.pid, signal.SIGINT)
                if receive.poll(INTERRUPT_GRACE_SECONDS):
                    result = receive.recv()
                    how = kept_records_sentence(len(result["records"]))
                else:
                    how = "Its process was ended."
        except EOFError:
            pass
        finally:
            child.kill()
            child.join()
            receive.close()
        ms = round((time.perf_counter() - self.started) * 1000, 1)
        if how:
            kept = result or {}
            return make_result(plugin.name, plugin.title, kept.get("records", ()), kept.get("follows", ()), ms,
                               timeout_error(plugin.title or plugin.name, self.seconds, how))
        if result is None:
            error = {"type": "Crashed", "message": f"{plugin.title or plugin.name} ended its process (exit code {child.exitcode}; out of memory?)", "user": False}
            return make_result(plugin.name, plugin.title, ms=ms, error=error)
        return result


def _run_child(plugin, page, callback, channel, scope=None):
    import signal

    # SIGINT must stop the plugin with KeyboardInterrupt even when the parent
    # had its own handler (Scrapy's graceful shutdown), which a fork inherits.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass  # no such limit on this system: the time limit still holds
    channel.send(run_plugin(plugin, page, callback, scope))
    channel.close()
