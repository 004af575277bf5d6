"""The two locks: compiled from pyproject.toml, hashed, in agreement, and the
production one free of test and development tools."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
DEVELOPMENT_ONLY = {"playwright", "schemathesis", "pytest", "hypothesis", "ruff"}


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {
        canonicalize_name(match[1]): match[2]
        for match in map(PIN.match, text.splitlines())
        if match
    }


def declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def test_production_pins_every_dependency_and_no_development_tool():
    production = pins("production.txt")
    assert declared(PYPROJECT["dependencies"]) <= set(production)
    assert not (
        DEVELOPMENT_ONLY | declared(PYPROJECT["optional-dependencies"]["dev"])
    ) & set(production)


def test_development_pins_every_dependency_and_the_dev_extra():
    development = pins("development.txt")
    wanted = declared(PYPROJECT["dependencies"])
    wanted |= declared(PYPROJECT["optional-dependencies"]["dev"])
    assert wanted <= set(development)


def test_both_locks_agree_on_every_package_they_share():
    production, development = pins("production.txt"), pins("development.txt")
    assert set(production) <= set(development)
    assert {name: development[name] for name in production} == production


def test_every_pin_carries_a_hash():
    for name in ("production.txt", "development.txt"):
        entries = re.split(
            r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / name).read_text()
        )
        for entry in entries:
            if PIN.match(entry):
                assert "--hash=sha256:" in entry, f"{name}: {entry.splitlines()[0]}"


def test_the_locks_name_no_machine_specific_index():
    for name in ("production.txt", "development.txt"):
        text = (ROOT / "requirements" / name).read_text()
        assert "--find-links" not in text
        assert "--extra-index-url" not in text and "--index-url" not in text
