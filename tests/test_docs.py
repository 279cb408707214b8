"""The README's commands are what CI runs, and every CLI command and setting is documented."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick, re.S)


def test_ci_runs_the_readme_test_command():
    demo, tests = readme_commands()[:2]
    assert "forumsift demo" in demo and "pytest" in tests
    assert tests.strip() in (ROOT / ".ci" / "run").read_text()


def test_every_forumsift_setting_is_in_the_readme():
    settings = re.findall(r"^(FORUMSIFT_\w+)\s*=", (ROOT / "crawler" / "settings.py").read_text(), re.M)
    readme = (ROOT / "README.md").read_text()
    missing = [s for s in settings if f"`{s}`" not in readme]
    assert not missing, f"settings not documented in README.md: {missing}"


def test_every_dependency_is_explained_in_the_readme():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [re.split(r"[<>=\[ ;]", d)[0].lower() for d in project["dependencies"]]
    readme = (ROOT / "README.md").read_text().lower()
    missing = [n for n in names if n not in readme]
    assert not missing, f"dependencies not explained in README.md: {missing}"
