"""A new user following the README's "Try it" section from a fresh clone reaches every step
without an error.

The section is read from README.md and walked in order, in-process, in a directory of its
own, on a clock pinned to one afternoon so that what the demo builds is the same every run.

What runs: every `kpibot …` command the section shows, as it is written: `kpibot demo` (the
one demo run of this file, at full scale as a user runs it), the "Explore it" commands on the
demo database, `kpibot` alone, `kpibot COMMAND --help` for every command the section names,
the file the section asks the user to save (written from the README's own heredoc), its
`kpibot ingest` and `kpibot show mrr --at …`; then what the section's sentences promise:
importing the same file again changes nothing, and `KPIBOT_LOCALE=en` switches to English.

What is checked: each command exits 0 with nothing on stderr; a `¥` figure its comment shows
is what it prints (for `show`, as the current period's value); a `./file` its comment says it
creates appears then; an import prints the counts of the saved file's rows; and what each
comment describes: the demo's database, `/kpi` answers, reports and closing commands (those of
"Explore it"), a KPI's value, target, attainment and level, the red KPIs only, last week's
summary, a dry run, every command listed, each command's options and examples.

What does not run, and why: `kpibot serve`, `kpibot socket` and `kpibot scheduler` serve
until stopped and talk to Slack, which needs a workspace's credentials and the network; only
their `--help` runs here (the Slack app itself is tested end to end against the mock Web API
in tests/bot/http and tests/bot/slack). Creating the app from `manifest.yml` happens on
api.slack.com: the file is checked to exist. The install before `kpibot demo` is the
environment this suite runs in. The tests fail, rather than skip, when the section stops
naming those commands, shows them with options, changes the install, shows a line of code
they cannot read, or no longer shows a command, figure or sentence they check.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import time_machine

from bot.cli.main import DEMO_FIRST_DAY, build_parser
from bot.cli.state_commands import end_of_day
from bot.slack.copy import level_emoji, level_label, t
from bot.slack.copy.keys import Text
from kpi_engine.catalog import load_catalog
from kpi_engine.levels import Level
from kpi_engine.reports import ReportKind, last_ended
from tests.bot.conftest import TOKYO, Finished, Kpibot

ROOT = Path(__file__).resolve().parents[3]
# A weekday afternoon after every day the section names (its CSV is November's), as for
# anyone reading it now. The demo's data ends at this moment.
WALKED_AT = datetime(2026, 12, 2, 15, 0, tzinfo=TOKYO)
# The shell commands before `kpibot demo`: what this suite's own environment stands for.
INSTALL = ("python3 -m venv .venv", ". .venv/bin/activate", "pip install -e .")
# Commands that serve until stopped; the walk runs their --help only.
LONG_RUNNING = frozenset({"serve", "socket", "scheduler"})
PLACEHOLDER = "COMMAND"  # `kpibot COMMAND --help`: any command
ENGLISH = {"KPIBOT_LOCALE": "en"}

# The commands whose comments this test reads beyond their figures. The section must still
# show each of them, so that a reworded step is looked at again rather than left unchecked.
KPIBOT = ("kpibot",)
DEMO = ("kpibot", "demo")
ON_THE_DEMO = ("kpibot", "--db", "kpibot-demo.db")
SHOW_MRR = (*ON_THE_DEMO, "show", "mrr")
SHOW_NPS_JSON = (*ON_THE_DEMO, "show", "nps", "--json")
STATUS_RED = (*ON_THE_DEMO, "status", "--level", "red")
REPORT_WEEKLY = (*ON_THE_DEMO, "report", "weekly")
ALERTS_DRY_RUN = (*ON_THE_DEMO, "alerts", "check", "--dry-run")
SAME_FILE_AGAIN = "Importing the same file again changes nothing"
SWITCH_TO_ENGLISH = "`export KPIBOT_LOCALE=en` switches to English"

# A code block (indented as the list item it belongs to), or an inline code span.
CODE = re.compile(
    r"^(?P<indent> *)```\w*\n(?P<block>.*?)^(?P=indent)```$|`(?P<span>[^`\n]+)`",
    re.MULTILINE | re.DOTALL,
)
HEREDOC = re.compile(r"cat > (?P<name>\S+) <<'(?P<end>\w+)'")
YEN = re.compile(r"¥\d+(?:,\d{3})*")


@dataclass(frozen=True)
class Command:
    """A command the section shows, with the comment beside it: what it does or prints."""

    words: tuple[str, ...]
    comment: str = ""

    @property
    def name(self) -> str | None:
        """The command after the global options: `show` in `kpibot --db X show mrr`."""
        words = iter(self.words[1:])
        for word in words:
            if word == "--db":
                next(words, None)
            elif word not in {"-v", "--verbose"}:
                return word
        return None


@dataclass(frozen=True)
class SavedFile:
    """A file the section asks the user to create, with the text it shows."""

    name: str
    text: str

    @property
    def rows(self) -> int:
        return len(self.text.splitlines()) - 1  # under the header


@dataclass(frozen=True)
class TryIt:
    """The README's "Try it" section: its text, its steps in order, and the install."""

    text: str
    steps: tuple[Command | SavedFile, ...]
    install: tuple[str, ...]

    @property
    def commands(self) -> list[Command]:
        return [step for step in self.steps if isinstance(step, Command)]

    @property
    def saved(self) -> dict[str, SavedFile]:
        return {step.name: step for step in self.steps if isinstance(step, SavedFile)}


def _block_steps(block: str) -> Iterator[Command | SavedFile]:
    lines = iter(block.splitlines())
    for line in lines:
        if saved := HEREDOC.fullmatch(line):
            rows: list[str] = []
            for row in lines:
                if row == saved["end"]:
                    break
                rows.append(row)
            else:
                raise AssertionError(f"the heredoc of {saved['name']} never ends: {block}")
            yield SavedFile(saved["name"], "".join(f"{row}\n" for row in rows))
        elif line.strip():
            typed, _, comment = line.partition(" #")
            words = tuple(shlex.split(typed))
            assert words[:1] == KPIBOT, f"a line of the Try it section the walk cannot read: {line}"
            yield Command(words, comment.strip())


def read_try_it(readme: str) -> TryIt:
    """The "Try it" section of a README, its code read as a user would type it."""
    text = readme.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    steps: list[Command | SavedFile] = []
    install: list[str] = []
    for code in CODE.finditer(text):
        if code["span"] is None:
            indent = code["indent"]
            block = "\n".join(line.removeprefix(indent) for line in code["block"].splitlines())
            steps.extend(_block_steps(block))
            continue
        parts = [part.strip() for part in code["span"].split("&&")]
        for part in parts:
            if part.split()[:1] == ["kpibot"]:
                steps.append(Command(tuple(shlex.split(part))))
            elif len(parts) > 1:  # a shell line: the install before the demo
                install.append(part)
    return TryIt(text, tuple(steps), tuple(install))


def _lines(finished: Finished) -> list[str]:
    return finished.stdout.splitlines()


def _shows_figure(line: str, figure: str) -> bool:
    # ¥34,180 must not match the start of ¥34,1800.
    return re.search(re.escape(figure) + r"(?![\d,])", line) is not None


def _check_printed(command: Command, finished: Finished, try_it: TryIt) -> None:
    """What any command's comment and arguments say it prints: figures and import counts."""
    current = f"{t('ja', Text.KPI_CURRENT)}: "
    lines = _lines(finished)
    if command.name == "show":  # a figure shown beside `show` is the current period's value
        lines = [line for line in lines if line.startswith(current)]
    for figure in YEN.findall(command.comment):
        assert any(_shows_figure(line, figure) for line in lines), (command, finished.stdout)
    if command.name == "ingest":
        for name in command.words[2:]:
            counts = t(
                "ja",
                Text.INGEST_COUNTS,
                inserted=try_it.saved[name].rows,
                updated=0,
                unchanged=0,
                rejected=0,
            )
            assert f"{name}: {counts}" in _lines(finished), finished.stdout


def _run_help(kpibot: Kpibot, cwd: Path, name: str) -> None:
    finished = kpibot(name, "--help", cwd=cwd)
    assert (finished.returncode, finished.stderr) == (0, ""), (name, finished.stderr)
    usage = t("ja", Text.CLI_USAGE_PREFIX)
    assert finished.stdout.startswith(f"{usage}kpibot {name}"), finished.stdout
    assert f"{t('ja', Text.CLI_OPTIONS)}:" in finished.stdout, finished.stdout
    assert t("ja", Text.CLI_EXAMPLES, examples="kpibot ") in finished.stdout, finished.stdout


def walk(try_it: TryIt, kpibot: Kpibot, cwd: Path) -> dict[tuple[str, ...], Finished]:
    """Take the section's steps in order, as a user would; return what each command printed."""
    named = [command.name for command in try_it.commands if command.name is not None]
    commands = [name for name in dict.fromkeys(named) if name != PLACEHOLDER]
    printed: dict[tuple[str, ...], Finished] = {}
    for step in try_it.steps:
        if isinstance(step, SavedFile):
            (cwd / step.name).write_text(step.text, encoding="utf-8")
            continue
        if step.name == PLACEHOLDER:
            for name in commands:
                _run_help(kpibot, cwd, name)
            continue
        if step.name in LONG_RUNNING:
            _run_help(kpibot, cwd, step.name)
            continue
        created = [cwd / path for path in re.findall(r"\./[\w.-]+", step.comment)]
        assert not any(path.exists() for path in created), step
        finished = kpibot(*step.words[1:], cwd=cwd)
        assert (finished.returncode, finished.stderr) == (0, ""), (step, finished.stderr)
        assert finished.stdout.strip(), step
        assert all(path.exists() for path in created), (step, created)
        _check_printed(step, finished, try_it)
        printed[step.words] = finished
    return printed


def test_the_try_it_section_shows_the_steps_this_walk_knows() -> None:
    try_it = read_try_it((ROOT / "README.md").read_text(encoding="utf-8"))
    shown = {command.words for command in try_it.commands}
    long_running = [command for command in try_it.commands if command.name in LONG_RUNNING]

    assert try_it.install == INSTALL
    assert {DEMO, SHOW_MRR, SHOW_NPS_JSON, STATUS_RED, REPORT_WEEKLY, ALERTS_DRY_RUN} <= shown
    assert {KPIBOT, ("kpibot", PLACEHOLDER, "--help")} <= shown
    # Only `--help` of these runs: shown with options, they would go unchecked.
    assert sorted(command.words for command in long_running) == sorted(
        ("kpibot", name) for name in LONG_RUNNING
    )
    # What the walk compares with the output: a figure, and the saved files' import counts.
    assert any(YEN.search(command.comment) for command in try_it.commands)
    ingested = {
        word for command in try_it.commands if command.name == "ingest" for word in command.words
    }
    assert set(try_it.saved) <= ingested
    assert SAME_FILE_AGAIN in try_it.text and SWITCH_TO_ENGLISH in try_it.text
    assert try_it.saved, "the section asks the user to save a file of their own data"
    assert "`manifest.yml`" in try_it.text and (ROOT / "manifest.yml").is_file()


def test_every_link_of_the_try_it_section_leads_to_a_heading_of_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", readme, re.MULTILINE)
    # GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    anchors = {re.sub(r"[^\w\- ]", "", heading).lower().replace(" ", "-") for heading in headings}
    links = re.findall(r"\]\(#([^)]+)\)", read_try_it(readme).text)

    assert links
    assert set(links) <= anchors


def test_a_new_user_following_the_readme_s_try_it_section_reaches_every_step(
    kpibot: Kpibot, tmp_path: Path
) -> None:
    try_it = read_try_it((ROOT / "README.md").read_text(encoding="utf-8"))
    with time_machine.travel(WALKED_AT, tick=False):
        printed = walk(try_it, kpibot, tmp_path)
        again = {
            name: kpibot("ingest", name, cwd=tmp_path, environment=ENGLISH) for name in try_it.saved
        }
    today = WALKED_AT.date()

    # 1. The demo: its database from the first day to today, the two /kpi answers, the last
    # ended week's, month's and quarter's reports, then the commands to try next.
    demo = printed[DEMO].stdout
    building = t(
        "ja",
        Text.CLI_DEMO_BUILDING,
        path="kpibot-demo.db",
        first=DEMO_FIRST_DAY,
        today=today,
        zone="Asia/Tokyo",
        scale="1",
    )
    assert demo.startswith(building)
    assert (tmp_path / "kpibot-demo.db").is_file()
    assert t("ja", Text.CLI_DEMO_SLACK_SAYS, text="nps") in demo
    assert t("ja", Text.CLI_DEMO_SLACK_SAYS, text="status") in demo
    for kind in ReportKind:
        period = last_ended(kind, end_of_day(today, TOKYO), TOKYO)
        assert (tmp_path / "kpibot-demo-reports" / f"{kind}-{period.key}.txt").is_file()
    # They are the section's "Explore it" commands; the demo names the day its weekly report
    # is of (`--at`), the report `report weekly` prints on the demo's default day, today.
    suggested = demo.split(t("ja", Text.CLI_DEMO_NEXT) + "\n", 1)[1].splitlines()
    explore = [command.words for command in try_it.commands if command.words[:3] == ON_THE_DEMO]
    assert [shlex.split(line.replace(f" --at {today}", "")) for line in suggested] == [
        list(words) for words in explore
    ]

    # 2. Explore it.
    mrr = _lines(printed[SHOW_MRR])
    levels = {f"{level_emoji(level)} {level_label(level, 'ja')}" for level in Level}
    assert mrr[0].endswith(load_catalog().get("mrr").name.in_locale("ja"))
    assert mrr[1] in levels
    for label in (Text.KPI_CURRENT, Text.KPI_TARGET, Text.KPI_ATTAINMENT):
        assert any(line.startswith(f"{t('ja', label)}: ") for line in mrr), (label, mrr)

    nps = json.loads(printed[SHOW_NPS_JSON].stdout)
    assert nps["kpi"] == "nps"
    assert {"level", "target", "attainment", "current"} <= nps.keys()

    red = _lines(printed[STATUS_RED])
    emojis = tuple(level_emoji(level) for level in Level)
    assert red[0] == t(
        "ja",
        Text.STATUS_TITLE_FILTERED,
        emoji=level_emoji(Level.RED),
        label=level_label(Level.RED, "ja"),
    )
    listed = [line for line in red if line.startswith(emojis)]
    assert listed, "the demo has KPIs in red"
    assert all(line.startswith(level_emoji(Level.RED)) for line in listed), red

    week = last_ended(ReportKind.WEEKLY, WALKED_AT, TOKYO)
    assert _lines(printed[REPORT_WEEKLY])[0] == t("ja", Text.REPORT_WEEKLY_TITLE, period=week.key)

    assert _lines(printed[ALERTS_DRY_RUN])[-1] == t("ja", Text.ALERTS_CHECK_DRY_RUN)

    listing = printed[KPIBOT].stdout
    parser = build_parser("ja")
    every = next(action for action in parser._actions if action.dest == "command").choices
    assert every is not None  # argparse keeps the subparsers here
    for name in every:
        assert re.search(rf"^ +{name}\b", listing, re.MULTILINE), (name, listing)

    # 3. Your own data, imported again, in English: nothing changes.
    for name, finished in again.items():
        unchanged = t(
            "en",
            Text.INGEST_COUNTS,
            inserted=0,
            updated=0,
            unchanged=try_it.saved[name].rows,
            rejected=0,
        )
        assert (finished.returncode, finished.stdout) == (0, f"{name}: {unchanged}\n")
