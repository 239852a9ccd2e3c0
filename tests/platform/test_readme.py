"""The README is the newcomer's manual: its configuration table must cover every variable the
settings read, and it must give exactly the two set-up commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def variables_read_by_settings() -> set[str]:
    names = set()
    for path in (ROOT / "rmm").rglob("*.py"):
        names |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', path.read_text()))
    names |= {"DJANGO_SETTINGS_MODULE", "PORT", "RMM_REQUIRE_SERVICES"}
    return names


def test_every_environment_variable_is_in_the_configuration_table():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in variables_read_by_settings() if f"`{name}`" not in table)
    assert missing == []


def test_quick_start_gives_exactly_the_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_every_screenshot_the_readme_shows_exists():
    shown = re.findall(r"\]\((docs/screenshots/[^)]+)\)", README)
    assert shown
    for path in shown:
        assert (ROOT / path).is_file(), path
