"""`valuecalc --help` and each command's `--help`: one line per command, its options with
the environment variables they default from, and an example (issue 12, point 8)."""

from __future__ import annotations

import argparse

import pytest

from valuecalc_api.cli import _EXAMPLES, build_parser, main
from valuecalc_api.settings import Settings

COMMANDS = [
    "serve",
    "migrate",
    "create-org",
    "create-key",
    "seed-demo",
    "purge-idempotency-keys",
    "openapi",
]


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines


def test_serve_help_names_each_option_and_its_environment_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUECALC_WORKERS", "3")
    monkeypatch.setenv("VALUECALC_DEMO", "false")
    text = _help(capsys, "serve")
    for option, variable in [
        ("--host", "$VALUECALC_HOST"),
        ("--port", "$VALUECALC_PORT"),
        ("--workers", "$VALUECALC_WORKERS, now 3"),
        ("--demo, --no-demo", "$VALUECALC_DEMO, now off"),
    ]:
        assert option in text
        assert variable in text
    assert "example: valuecalc serve --workers 4" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_one_line_help_and_an_example(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    text = _help(capsys, command)
    assert "example: " + " ".join(_EXAMPLES[command].split()) in text
    assert _EXAMPLES[command].startswith(("valuecalc " + command, "DATABASE_URL="))
    [subcommands] = [
        action
        for action in build_parser(Settings.model_construct())._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    [summary] = [choice.help for choice in subcommands._choices_actions if choice.dest == command]
    assert summary
    assert "\n" not in summary
    assert summary in " ".join(_help(capsys).split())  # listed by `valuecalc --help`
