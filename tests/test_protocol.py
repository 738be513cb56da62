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
    script = "import('./extension/common/messages.js').then((m) => console.log(JSON.stringify({Target: m.Target, Command: m.Command, HostCommand: m.HostCommand, Event: m.Event, WorkerOp: m.WorkerOp, EXPORT_FORMATS: m.EXPORT_FORMATS})))"
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_names_are_unique_and_equal_their_keys(protocol):
    names = [value for group in ("Command", "HostCommand", "Event") for value in protocol[group].values()]
    assert len(names) == len(set(names))
    for key, value in protocol["Command"].items():
        assert key == value


# The service worker's entry file loaded as the browser loads it, with every
# chrome.* call answered by a do-nothing stub: what it registers at load is
# what the dispatcher can find.
REGISTRY = """
const stub = () => new Proxy(function () {}, { get: (target, key) => (key === 'then' ? undefined : stub()), apply: () => stub() });
globalThis.chrome = stub();
await import('./extension/service-worker/service-worker.js');
const { registerCommands, registeredCommands, findCommand } = await import('./extension/service-worker/command-registry.js');
const refused = (owner, handlers) => { try { registerCommands(owner, handlers); return null; } catch (error) { return error.message; } };
console.log(JSON.stringify({
  registered: registeredCommands(),
  inherited: ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((name) => findCommand(name)),
  twice: refused('late-module', { ScrapeTab: async () => ({}) }),
  undeclared: refused('late-module', { ScrapeEverything: async () => ({}) }),
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
    assert registry["undeclared"] == "late-module registers ScrapeEverything, which common/messages.js does not declare"
    assert registry["inherited"] == [None, None, None, None]


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
    names = {value for group in ("Command", "HostCommand", "Event") for value in protocol[group].values()}
    for path in EXTENSION.rglob("*.js"):
        if path.name == "messages.js" or path.name.endswith(".bundle.js"):
            continue
        for name in names:
            assert f"'{name}'" not in path.read_text(), f"{path.relative_to(ROOT)} spells '{name}' instead of importing it"
