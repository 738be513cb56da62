"""What the Chrome Web Store and addons.mozilla.org need from the packages build.py makes.

Read from the zips a store receives: the listing's fields, the icons, every
permission justified in docs/permissions.md, a privacy statement, nothing
loaded from elsewhere. (`web-ext lint`: tests/test_web_ext_lint.py.)
"""

import json
import re
import struct
import zipfile

import pytest

from conftest import ROOT

VERSION = json.loads((ROOT / "manifest.json").read_text())["version"]
PACKAGES = {
    "chrome": ROOT / "dist" / f"gleaner-chrome-{VERSION}.zip",
    "firefox": ROOT / "dist" / f"gleaner-firefox-{VERSION}.zip",
}
PERMISSIONS_DOC = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
# The Chrome Web Store's limit for a manifest's description.
DESCRIPTION_LIMIT = 132


@pytest.fixture(scope="module", params=sorted(PACKAGES))
def package(request, extension_dir):
    """(browser, its manifest, the zip) as a store receives them (the build ran for extension_dir)."""
    archive = zipfile.ZipFile(PACKAGES[request.param])
    yield request.param, json.loads(archive.read("manifest.json")), archive
    archive.close()


def justified_rows():
    """The first cell of each row of docs/permissions.md's table."""
    return {match.group(1) for match in re.finditer(r"^\| (.+?) \|", PERMISSIONS_DOC, re.M)}


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_listing_fields(package):
    browser, manifest, _ = package
    assert manifest["manifest_version"] == 3
    assert manifest["name"] == "Gleaner"
    # One to four dot-separated integers, none above 65535 (both stores' rule).
    parts = manifest["version"].split(".")
    assert 1 <= len(parts) <= 4 and all(p.isdigit() and int(p) <= 65535 and str(int(p)) == p for p in parts)
    assert 0 < len(manifest["description"]) <= DESCRIPTION_LIMIT
    assert "Python" in manifest["description"] and "No upload" in manifest["description"]
    if browser == "firefox":
        gecko = manifest["browser_specific_settings"]["gecko"]
        assert re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+", gecko["id"])
        assert gecko["data_collection_permissions"] == {"required": ["none"]}


def test_icons_are_pngs_of_their_sizes_in_the_package(package):
    _, manifest, archive = package
    assert sorted(map(int, manifest["icons"])) == [16, 32, 48, 128]
    for size, path in [*manifest["icons"].items(), *manifest["action"]["default_icon"].items()]:
        assert png_size(archive.read(path)) == (int(size), int(size)), path


def test_every_permission_is_justified_in_the_docs(package):
    _, manifest, _ = package
    rows = justified_rows()
    for permission in manifest["permissions"]:
        assert f"`{permission}`" in rows, f"docs/permissions.md has no row for {permission}"
    # Nothing at install; the optional patterns are named in their row.
    assert not manifest.get("host_permissions")
    [optional_row] = [row for row in rows if row.startswith("`optional_host_permissions`")]
    for pattern in manifest["optional_host_permissions"]:
        assert f"`{pattern}`" in optional_row


def test_no_remote_code_and_no_outside_entry(package):
    _, manifest, archive = package
    policy = manifest["content_security_policy"]["extension_pages"]
    assert "'unsafe-eval'" not in policy and not re.search(r"https?:|\*", policy)
    assert "externally_connectable" not in manifest and "content_scripts" not in manifest
    for name in archive.namelist():
        if name.endswith(".html"):
            html = archive.read(name).decode("utf-8")
            assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?(https?:)?//""", html), name


def test_a_privacy_statement_and_the_permissions_page_are_in_docs():
    privacy = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert "collects no data" in privacy
    assert "## What the stores get from the package" in PERMISSIONS_DOC


def test_packages_hold_nothing_but_the_extension(package):
    _, _, archive = package
    names = archive.namelist()
    assert "manifest.json" in names
    # No sources that only the build reads, no caches, no test files.
    assert not [n for n in names if n.endswith(".src.js") or "/tests/" in n or n.startswith("tests/") or "__pycache__/" in n]
