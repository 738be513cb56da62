"""The README is a front door: small, its links lead somewhere, its commands are CI's."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_LIMIT = 12 * 1024

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def prose(text):
    """The text without code, where brackets and parentheses are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def github_anchors(markdown):
    """The anchors GitHub gives a file's headings (and any explicit ids)."""
    anchors, seen = set(), {}
    for line in FENCE.sub("", markdown).splitlines():
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        text = re.sub(r"`|\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    anchors.update(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", markdown))
    return anchors


def relative_links(path):
    for target in LINK.findall(prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, chrome:
            continue
        yield target


def test_readme_is_a_front_door():
    size = README.stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes; the limit is {README_LIMIT}"


def test_anchor_slugs_follow_github():
    # Literal anchors GitHub shows for these headings.
    anchors = github_anchors(
        "# Security and threat model\n## Where lxml comes from\n## `--url`: saved pages\n"
        "## Tables: CSV, XLSX and Copy as table\n## Notes\n## Notes\n```\n# not a heading\n```\n"
    )
    assert anchors == {
        "security-and-threat-model",
        "where-lxml-comes-from",
        "--url-saved-pages",
        "tables-csv-xlsx-and-copy-as-table",
        "notes",
        "notes-1",
    }


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    broken = []
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md":
            if anchor not in github_anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{target}: no heading with anchor #{anchor}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in relative_links(README)}
    unlinked = [p.name for p in DOC_FILES[1:] if p.resolve() not in linked]
    assert not unlinked, f"docs pages the README does not link: {unlinked}"


def two_commands():
    section = README.read_text(encoding="utf-8").split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert len(lines) == 2, lines
    return [[shlex.split(step) for step in line.split("&&")] for line in lines]


def ci_steps():
    steps = []
    for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith(("set ", "cd ")):
            steps.append(shlex.split(line))
    return steps


def test_readme_test_command_is_what_ci_runs():
    _, test_command = two_commands()
    assert test_command == ci_steps()
    assert test_command == [["bash", ".ci/setup"], ["python", "-m", "pytest", "-q", "tests"]]


def test_readme_build_command_names_real_things():
    build_command, _ = two_commands()
    assert build_command[:2] == [["bash", ".ci/setup"], ["python", "build.py"]]
    scrape = build_command[2]
    assert scrape[:3] == ["python", "build.py", "scrape"]
    assert (ROOT / scrape[3]).is_file()
    # The scrape subcommand exists and takes the file as its target.
    usage = subprocess.run(
        [sys.executable, "build.py", "scrape", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 0 and "target" in usage.stdout, usage.stderr
