"""One message protocol: every name is declared once in extension/common/messages.js and handled where it is sent."""

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


def test_every_command_has_a_handler_in_the_service_worker(protocol):
    source = (EXTENSION / "service-worker" / "service-worker.js").read_text()
    handled = set(re.findall(r"\[Command\.(\w+)\]", source))
    assert handled == set(protocol["Command"])


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
