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


def test_the_demo_logins_table_lists_every_demo_account_in_one_piece():
    from accounts.demo import ACCOUNTS

    section = README.split("### Demo logins", 1)[1].split("\n#", 1)[0]
    lines = section.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        table.append(line)
    outside = [line for line in lines if "@rmm-demo.fr" in line and line not in table]
    assert outside == [], "a row of the table is cut off from it"
    emails = {re.search(r"`([^`]+@rmm-demo\.fr)`", row).group(1) for row in table[2:]}
    assert emails == {account[0] for account in ACCOUNTS}
    assert all(row.count("|") == 4 for row in table)


# Paths the README names that exist only once RMM runs (never in the repository).
RUNTIME_PATHS = ("var/", ".venv/", "staticfiles/", "backups/", "/app/", "/backups/")


def paths_named_in_readme() -> set[str]:
    """Relative links, and paths in backticks that look like files or folders of the
    repository (URL paths of the application start with '/' and are left out)."""
    named = set(re.findall(r"\]\(([^)#\s]+)\)", README))
    for token in re.findall(r"`([^`\s]+)`", README):
        if any(mark in token for mark in ("<", ":", "...", "*", "$")):
            continue
        if token.startswith(("/", "./")) or token.startswith(RUNTIME_PATHS):
            continue
        if "/" in token or re.fullmatch(
            r"[\w.-]+\.(py|sh|yml|yaml|toml|md|example)|Makefile|Dockerfile", token
        ):
            named.add(token)
    return {name for name in named if not name.startswith(("http://", "https://", "mailto:"))}


def test_every_file_or_folder_the_readme_names_is_in_the_repository():
    named = paths_named_in_readme()
    assert {"docker/backup.sh", ".env.example", "docs/case-workflow.svg"} <= named
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert missing == []


def test_the_readme_points_to_no_document_outside_the_repository():
    for document in re.findall(r"\b(DESIGN|STYLE|PITFALLS|DEVELOPERS)\b", README):
        assert list(ROOT.glob(f"{document}*")), f"README cites {document}, not in the repository"
