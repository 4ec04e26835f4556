"""README opens with exactly two commands, and CI runs the second one: the promise a newcomer relies on."""

import re

from aces.paths import repo_root


def _opening_commands() -> list[str]:
    text = (repo_root() / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", head, flags=re.S)
    before_first = head.split("```", 1)[0]
    assert before_first.strip().startswith("# ") and before_first.strip().count("\n") == 0, "README must open with them"
    return blocks


def test_readme_opens_with_two_single_line_commands() -> None:
    blocks = _opening_commands()
    assert len(blocks) == 2 and all("\n" not in b for b in blocks)
    assert blocks[0].endswith("aces run") and blocks[1].endswith("pytest")


def test_ci_runs_readmes_test_command() -> None:
    ci = (repo_root() / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _opening_commands()[1] in [line.strip() for line in ci]
