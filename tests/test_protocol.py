"""One message protocol: every name is declared once in extension/common/messages.js and handled where it is sent
(service worker commands: by the module that registers them in command-registry.js)."""

import json
import re
import subprocess

import pytest

from conftest import ROOT
from gleaner.host import Host

EXTENSION = ROOT / "extension"


@pytest.fixture(scope="module")
def protocol():
    script = "import('./extension/common/messages.js').then((m) => console.log(JSON.stringify({Target: m.Target, Command: m.Command, ContentCommand: m.ContentCommand, Port: m.Port, HostCommand: m.HostCommand, Event: m.Event, WorkerOp: m.WorkerOp, EXPORT_FORMATS: m.EXPORT_FORMATS})))"
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_names_are_unique_and_equal_their_keys(protocol):
    names = [value for group in ("Command", "ContentCommand", "Port", "HostCommand", "Event") for value in protocol[group].values()]
    assert len(names) == len(set(names))
    for group in ("Command", "ContentCommand", "Port"):
        for key, value in protocol[group].items():
            assert key == value


# The service worker's entry file loaded as the browser loads it, with every
# chrome.* call answered by a do-nothing stub: what it registers at load is
# what the dispatcher can find.
REGISTRY = """
const stub = () => new Proxy(function () {}, { get: (target, key) => (key === 'then' ? undefined : stub()), apply: () => stub() });
globalThis.chrome = stub();
await import('./extension/service-worker/service-worker.js');
const registry = await import('./extension/service-worker/command-registry.js');
const refused = (owner, handlers, register = registry.registerCommands) => { try { register(owner, handlers); return null; } catch (error) { return error.message; } };
console.log(JSON.stringify({
  registered: registry.registeredCommands(),
  registeredForContent: registry.registeredContentCommands(),
  inherited: ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((name) => registry.findCommand(name)),
  twice: refused('late-module', { ScrapeTab: async () => ({}) }),
  undeclared: refused('late-module', { ScrapeEverything: async () => ({}) }),
  // A page's script reaches no extension page's command, and the reverse.
  pageCommandForContent: refused('late-module', { ScrapeTab: async () => ({}) }, registry.registerContentCommands),
  contentCommandForPages: refused('late-module', { SavePickedScraper: async () => ({}) }),
  contentLookupOfPageCommand: registry.findContentCommand('ScrapeTab'),
  pageLookupOfContentCommand: registry.findCommand('SavePickedScraper'),
}));
"""


@pytest.fixture(scope="module")
def registry():
    out = subprocess.run(["node", "--input-type=module", "-e", REGISTRY], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_every_command_is_registered_once_by_the_module_that_owns_it(protocol, registry):
    registered = registry["registered"]
    # A second registration throws at load, so each name appears once; every
    # declared name has a handler and every handler a declared name.
    assert set(registered) == set(protocol["Command"])
    for name, owner in registered.items():
        module = EXTENSION / "service-worker" / f"{owner}.js"
        source = module.read_text()
        assert f"registerCommands('{owner}'" in source, f"{owner} is not the name {module.name} registers under"
        assert f"[Command.{name}]" in source, f"{name} is registered by {owner}, whose file does not handle it"
    # The entry file only wires modules up: it handles no command itself.
    assert "[Command." not in (EXTENSION / "service-worker" / "service-worker.js").read_text()
    # Commands are grouped by owner, not all in one module.
    assert len(set(registered.values())) >= 5


def test_the_registry_refuses_duplicates_unknown_names_and_inherited_ones(registry):
    assert registry["twice"] == "late-module registers ScrapeTab, already registered by scrape-commands"
    assert registry["undeclared"] == "late-module registers ScrapeEverything, which common/messages.js does not declare as a Command"
    assert registry["inherited"] == [None, None, None, None]


def test_content_scripts_commands_are_kept_apart(protocol, registry):
    assert set(registry["registeredForContent"]) == set(protocol["ContentCommand"])
    for name, owner in registry["registeredForContent"].items():
        source = (EXTENSION / "service-worker" / f"{owner}.js").read_text()
        assert f"registerContentCommands('{owner}'" in source and f"[ContentCommand.{name}]" in source
    assert registry["pageCommandForContent"] == "late-module registers ScrapeTab, which common/messages.js does not declare as a ContentCommand"
    assert registry["contentCommandForPages"] == "late-module registers SavePickedScraper, which common/messages.js does not declare as a Command"
    assert registry["contentLookupOfPageCommand"] is None and registry["pageLookupOfContentCommand"] is None


def test_every_host_command_is_handled_by_the_python_host(protocol):
    source = (EXTENSION / "offscreen" / "python-host.js").read_text()
    assert set(re.findall(r"case HostCommand\.(\w+):", source)) == set(protocol["HostCommand"])


def test_every_worker_op_is_implemented_and_reaches_a_python_method(protocol):
    source = (EXTENSION / "offscreen" / "python-worker.js").read_text()
    assert set(re.findall(r"\[WorkerOp\.(\w+)\]", source)) == set(protocol["WorkerOp"])
    called = set(re.findall(r"host\.(\w+)\(", source))
    assert called and all(callable(getattr(Host, name, None)) for name in called), called


def test_js_offers_exactly_the_export_formats_python_registers(protocol):
    from gleaner.exporters import EXPORTERS

    assert protocol["EXPORT_FORMATS"] == list(EXPORTERS)


def test_no_file_spells_a_message_name_as_a_bare_string(protocol):
    names = {value for group in ("Command", "ContentCommand", "Port", "HostCommand", "Event") for value in protocol[group].values()}
    for path in EXTENSION.rglob("*.js"):
        if path.name == "messages.js" or path.name.endswith(".bundle.js"):
            continue
        for name in names:
            assert f"'{name}'" not in path.read_text(), f"{path.relative_to(ROOT)} spells '{name}' instead of importing it"
