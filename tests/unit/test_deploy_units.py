"""The systemd units in deploy/systemd/ start commands that exist.

Each ``flask --app wsgi <group> <command> --option ...`` a unit runs must be a
command of our CLI, with options it declares; gunicorn's arguments must be
ones gunicorn parses, with our config file and our WSGI app. A renamed
command or option then fails here, not on a server at 4 in the morning.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest
from flask import Flask

from app.cli import register_commands

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
INSTALLED_CHECKOUT = "/opt/rsu-portal"


def directives(path: Path) -> list[tuple[str, str]]:
    """(key, value) of each directive, in order; keys may repeat (ExecStart)."""
    found = []
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.append((key.strip(), value.strip()))
    return found


def commands_of(path: Path) -> list[list[str]]:
    """Every ExecStart*/ExecStop* command line, split as systemd splits it,
    without its prefixes ("-", "+"...)."""
    return [
        shlex.split(value.lstrip("-+!@:"))
        for key, value in directives(path)
        if key.startswith(("ExecStart", "ExecStop")) and value
    ]


def cli() -> click.Group:
    app = Flask("units")
    register_commands(app)
    return app.cli


def check_flask(argv: list[str]) -> None:
    assert argv[:2] == ["--app", "wsgi"], argv
    group_name, command_name, *rest = argv[2:]
    group = cli().commands.get(group_name)
    assert isinstance(group, click.Group), f"no command group {group_name!r}"
    command = group.commands.get(command_name)
    assert command is not None, f"no command {group_name} {command_name}"
    declared = {opt for param in command.params for opt in getattr(param, "opts", [])}
    options = [word for word in rest if word.startswith("-")]
    assert set(options) <= declared, f"{group_name} {command_name}: {options} not in {declared}"


def check_gunicorn(argv: list[str]) -> None:
    from gunicorn.config import Config

    parsed = Config().parser().parse_args(argv)  # exits (fails the test) on an unknown option
    assert parsed.config == "gunicorn.conf.py" and (ROOT / parsed.config).is_file()
    assert parsed.args == ["wsgi:app"] and (ROOT / "wsgi.py").is_file()


def all_units() -> list[Path]:
    return sorted(UNITS.glob("*.service"))


@pytest.mark.parametrize("unit", all_units(), ids=lambda p: p.name)
def test_each_unit_starts_a_command_that_exists(unit: Path) -> None:
    commands = commands_of(unit)
    assert commands, f"{unit.name} starts nothing"
    for command in commands:
        program = command[0]
        if program.startswith("/bin/"):
            continue  # kill, for ExecReload
        assert program.startswith(f"{INSTALLED_CHECKOUT}/.venv/bin/"), program
        name = program.rsplit("/", 1)[1]
        assert name in ("flask", "gunicorn"), program
        (check_flask if name == "flask" else check_gunicorn)(command[1:])


def test_the_portal_unit_gives_gunicorn_its_metrics_directory() -> None:
    settings = dict(directives(UNITS / "rsu-portal.service"))
    assert "rsu-portal/metrics" in settings["RuntimeDirectory"].split()
    assert "Environment=PROMETHEUS_MULTIPROC_DIR=%t/rsu-portal/metrics" in (
        UNITS / "rsu-portal.service"
    ).read_text(encoding="utf-8")


def test_every_timer_has_its_service_and_every_job_its_timer() -> None:
    timers = {path.stem for path in UNITS.glob("*.timer")}
    services = {path.stem for path in UNITS.glob("*.service")}
    assert timers <= services
    oneshots = {
        path.stem for path in UNITS.glob("*.service") if ("Type", "oneshot") in directives(path)
    }
    assert oneshots == timers
    jobs = {
        " ".join(command[3:5])
        for name in timers
        for command in commands_of(UNITS / f"{name}.service")
    }
    assert {"sessions purge", "retention purge", "audit verify", "audit anchor"} <= jobs


def test_the_check_finds_a_command_that_does_not_exist() -> None:
    with pytest.raises(AssertionError, match="no command outbox send"):
        check_flask(["--app", "wsgi", "outbox", "send"])
    with pytest.raises(AssertionError, match="--forever"):
        check_flask(["--app", "wsgi", "outbox", "deliver", "--forever"])


def test_every_unit_is_described_in_the_deploy_readme() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    missing = [path.name for path in sorted(UNITS.iterdir()) if f"`{path.name}`" not in readme]
    assert missing == []
