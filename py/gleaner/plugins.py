"""The scraper contract: one .py file, metadata as literals, a ``scrape(page)`` function.

Metadata is read from the file's syntax tree without running it, so a file
can be checked (and the service worker can filter by its match patterns)
before any of its code executes.
"""

import ast
import hashlib
import importlib.util
import linecache
import re
import types
from dataclasses import dataclass, field

from .errors import MissingPackage, PluginInvalid
from .matching import InvalidPattern, validate, url_matches

INPUT_KINDS = ("html", "feed")
NAME_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# Distribution names users write in REQUIRES, mapped to what they import.
IMPORT_NAMES = {"beautifulsoup4": "bs4", "typing-extensions": "typing_extensions", "typing_extensions": "typing_extensions"}
METADATA = {
    # name: (required, type check, description of the type)
    "NAME": (True, lambda v: isinstance(v, str), "a string"),
    "VERSION": (True, lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string"),
    "MATCHES": (True, lambda v: isinstance(v, list), "a list of match patterns"),
    "EXCLUDES": (False, lambda v: isinstance(v, list), "a list of match patterns"),
    "TITLE": (False, lambda v: isinstance(v, str), "a string"),
    "DESCRIPTION": (False, lambda v: isinstance(v, str), "a string"),
    "INPUT": (False, lambda v: v in INPUT_KINDS, '"html" or "feed"'),
    "REQUIRES": (False, lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of package names and exact pins"),
    "TIMEOUT": (False, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0, "a positive number of seconds"),
}


@dataclass
class Plugin:
    name: str
    version: str
    matches: list
    source: str
    filename: str
    title: str = ""
    description: str = ""
    excludes: list = field(default_factory=list)
    input: str = "html"
    requires: list = field(default_factory=list)
    timeout: float = None
    builtin: bool = False
    crawls: bool = False  # the file calls .follow(: it can go on to other pages
    _module: types.ModuleType = field(default=None, repr=False)

    @property
    def digest(self):
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def metadata(self):
        """What the extension stores and shows; JSON-ready."""
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "matches": self.matches,
            "excludes": self.excludes,
            "input": self.input,
            "requires": self.requires,
            "timeout": self.timeout,
            "builtin": self.builtin,
            "crawls": self.crawls,
        }

    def applies_to(self, url, kind="html"):
        return self.input == kind and url_matches(url, self.matches, self.excludes)

    @property
    def module(self):
        """The plugin's module, executed on first use (and only once)."""
        if self._module is None:
            self.check_requirements()
            code = compile(self.source, self.filename, "exec", dont_inherit=True)
            # Tracebacks show the plugin's own source lines.
            linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
            module = types.ModuleType(f"gleaner_scraper_{self.name.replace('-', '_').replace('.', '_')}")
            module.__file__ = self.filename
            exec(code, module.__dict__)
            self._module = module
        return self._module

    @property
    def pins(self):
        """The packages it requires from an index, as [(name, version)] (gleaner.packages installs them)."""
        from .packages import pins_of

        return pins_of(self.requires)

    def check_requirements(self):
        from .packages import parse_pin

        for package in self.requires:
            if not parse_pin(package) and not package_available(package):
                raise MissingPackage(f"scraper {self.name!r} requires {package}, and this build does not bundle {package}")

    def entry_point(self, name=None):
        """The module-level function ``name`` (``scrape`` when None) that takes a page.

        Literal callback names were checked when the file was loaded; a name
        computed at run time is checked here, and fails only the page that asked.
        """
        from .follow import DEFAULT_CALLBACK, FollowInvalid

        name = DEFAULT_CALLBACK if name is None else name
        function = getattr(self.module, name, None) if isinstance(name, str) and name.isidentifier() else None
        if not isinstance(function, types.FunctionType) or name.startswith("__"):
            raise FollowInvalid(f"{self.name} has no function named {name!r} to scrape a followed page with")
        return function

    def scrape(self, page, callback=None):
        return self.entry_point(callback)(page)

    @property
    def tests(self):
        return list(getattr(self.module, "TESTS", []) or [])


def package_available(package):
    import_name = IMPORT_NAMES.get(package.lower(), package.replace("-", "_"))
    return importlib.util.find_spec(import_name) is not None


def load_plugin(source, filename=None, *, builtin=False, check_packages=True):
    """Check a scraper file against the contract and return a Plugin.

    Raises PluginInvalid (with the line and column where there is one) for
    anything that would stop it from running; nothing is executed here.
    """
    if not isinstance(source, str):
        raise PluginInvalid("a scraper file must be text")
    try:
        tree = ast.parse(source, filename or "<scraper>")
    except SyntaxError as exc:
        raise PluginInvalid(f"syntax error: {exc.msg}", line=exc.lineno, column=exc.offset) from None
    values, lines = {}, {}
    has_scrape = False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "scrape":
            if isinstance(node, ast.AsyncFunctionDef):
                raise PluginInvalid("scrape must be a plain function, not async", line=node.lineno, column=node.col_offset + 1)
            if not node.args.args and not node.args.vararg:
                raise PluginInvalid("scrape must take the page as its argument: def scrape(page)", line=node.lineno, column=node.col_offset + 1)
            has_scrape = True
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) and node.value else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id in METADATA:
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    raise PluginInvalid(
                        f"{target.id} must be a literal value (it is read without running the file)",
                        line=node.lineno,
                        column=node.col_offset + 1,
                    ) from None
                lines[target.id] = node.lineno
    for key, (required, check, kind) in METADATA.items():
        if key not in values:
            if required:
                raise PluginInvalid(f"{key} is missing (every scraper needs NAME, VERSION, MATCHES and def scrape(page))")
            continue
        if not check(values[key]):
            raise PluginInvalid(f"{key} must be {kind}, not {values[key]!r}", line=lines[key], column=1)
    if not has_scrape:
        raise PluginInvalid("def scrape(page) is missing")
    crawls = check_follows(tree)
    name = values["NAME"]
    if not NAME_RULE.match(name):
        raise PluginInvalid(
            f"NAME {name!r} must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            line=lines["NAME"],
            column=1,
        )
    for key in ("MATCHES", "EXCLUDES"):
        try:
            validate(values.get(key, []))
        except InvalidPattern as exc:
            raise PluginInvalid(f"{key}: {exc.message}", line=lines.get(key), column=1) from None
    if not values["MATCHES"]:
        raise PluginInvalid("MATCHES is empty, so the scraper would never run", line=lines["MATCHES"], column=1)
    plugin = Plugin(
        name=name,
        version=values["VERSION"],
        matches=values["MATCHES"],
        excludes=values.get("EXCLUDES", []),
        title=values.get("TITLE", name),
        description=values.get("DESCRIPTION", ""),
        input=values.get("INPUT", "html"),
        requires=values.get("REQUIRES", []),
        timeout=values.get("TIMEOUT"),
        source=source,
        filename=filename or f"{name}.py",
        builtin=builtin,
        crawls=crawls,
    )
    check_requires(plugin, lines.get("REQUIRES"), check_packages)
    return plugin


# A REQUIRES entry that is neither a bare name nor an exact pin ("x>=1", "x[extra]==1").
REQUIREMENT_SYNTAX = re.compile(r"[<>=!~\[\];@ ]")


def check_requires(plugin, line, check_packages=True):
    """Bare names must be bundled; anything else must be an exact pin (installed from the index at install)."""
    from .packages import how_to_pin, parse_pin

    for entry in plugin.requires:
        if parse_pin(entry):
            continue
        if REQUIREMENT_SYNTAX.search(entry.strip()):
            name = re.split(REQUIREMENT_SYNTAX, entry.strip())[0] or entry
            raise PluginInvalid(f"REQUIRES {entry!r}: {how_to_pin(name).split(': ', 1)[1]} (an exact == pin, nothing else)", line=line, column=1)
    if check_packages:
        missing = [p for p in plugin.requires if not parse_pin(p) and not package_available(p)]
        if missing:
            raise MissingPackage(
                f"this build does not bundle {', '.join(missing)}, which {plugin.name!r} requires; "
                f"{how_to_pin(missing[0]).split(': ', 1)[1]}",
                line=line,
                column=1,
            )


def check_follows(tree):
    """Whether the file follows links (calls ``.follow(``).

    Every ``.follow(...)`` call whose callback is a literal must name a
    module-level function of the file that takes the page: a typo is refused now, with
    its line, rather than on the hundredth page of a crawl.
    """
    functions = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = node
    crawls = False
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "follow"):
            continue
        crawls = True
        callback = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "callback"), None)
        if not isinstance(callback, ast.Constant) or callback.value is None:
            continue  # the default (scrape), or a name computed at run time: checked on the page that makes it
        name = callback.value
        where = {"line": node.lineno, "column": node.col_offset + 1}
        if not isinstance(name, str) or name not in functions:
            defined = ", ".join(sorted(functions))
            raise PluginInvalid(
                f"line {node.lineno}: follow(..., callback={name!r}) names a function this file does not define "
                f"(its functions: {defined})",
                **where,
            )
        target = functions[name]
        if not target.args.args and not target.args.vararg:
            raise PluginInvalid(f"line {node.lineno}: the callback {name}() must take the page as its argument: def {name}(page)", **where)
    return crawls


def validate_user_source(source, builtins=()):
    """The full check a user's scraper passes before it is saved anywhere.

    Beyond the contract (load_plugin), the file must compile as Python (some
    errors, such as ``return`` outside a function, only show when compiling)
    and must not take a built-in's name.
    """
    plugin = load_plugin(source, "user/scraper.py")
    try:
        compile(source, plugin.filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise PluginInvalid(f"syntax error: {exc.msg}", line=exc.lineno, column=exc.offset) from None
    from .testing import refuse_cases_that_check_nothing  # testing imports the host, which imports this module

    refuse_cases_that_check_nothing(source)
    if plugin.name in builtins:
        raise PluginInvalid(
            f"NAME {plugin.name!r} is taken by a built-in scraper; choose another name",
            line=metadata_line(source, "NAME"),
            column=1,
        )
    return plugin


def metadata_line(source, key):
    """The line where a metadata literal such as NAME is assigned, or None."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == key for t in node.targets):
            return node.lineno
    return None


def rename_source(source, new_name):
    """The same file with its NAME literal replaced (how a built-in is duplicated to customise it)."""
    line = metadata_line(source, "NAME")
    if line is None:
        raise PluginInvalid("NAME is missing")
    lines = source.splitlines(True)
    lines[line - 1] = f"NAME = {new_name!r}\n"
    return "".join(lines)


def source_diff(old, new):
    """A unified diff of two versions of a scraper file, for the 'replace?' question."""
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "installed", "new", n=2))
