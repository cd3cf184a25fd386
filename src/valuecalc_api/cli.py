"""`valuecalc`: serve the API, migrate, create organizations and keys, seed the demo.

Without `DATABASE_URL` every command uses the embedded PostgreSQL in `data/postgres`
(`embedded_postgres.py`); `serve` (`serve.py`) hands the resolved URL to `create_app`, or with
several workers to their processes' environment. Secrets are printed once, to stdout.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api import migrate
from valuecalc_api.commands import CommandError, print_demo, resolve_database_url, run_in_session
from valuecalc_api.demo import seed_demo
from valuecalc_api.models.organization import Role
from valuecalc_api.organizations import repository, service
from valuecalc_api.problems import Problem
from valuecalc_api.serve import ServeError, ServeOptions, serve
from valuecalc_api.settings import Settings


def create_org(settings: Settings, name: str) -> None:
    async def work(session: AsyncSession) -> tuple[uuid.UUID, str]:
        organization = await service.create_organization(session, name)
        _, secret = await service.create_api_key(
            session, settings, organization.id, "First admin", Role.admin
        )
        return organization.id, secret

    organization_id, secret = run_in_session(resolve_database_url(settings), work)
    print(f'Created the organization "{name}" ({organization_id}).')
    print(f"Its admin API key, shown only this once: {secret}")


def create_key(
    settings: Settings,
    organization_id: uuid.UUID,
    role: Role,
    name: str,
    tracker_ids: list[uuid.UUID] | None,
) -> None:
    async def work(session: AsyncSession) -> str:
        if await repository.get_organization(session, organization_id) is None:
            raise CommandError(f"No organization {organization_id}.")
        try:
            _, secret = await service.create_api_key(
                session, settings, organization_id, name, role, tracker_ids=tracker_ids
            )
        except Problem as problem:
            raise CommandError(problem.detail + _error_lines(problem)) from None
        return secret

    secret = run_in_session(resolve_database_url(settings), work)
    print(f"API key ({role.value}), shown only this once: {secret}")


def _error_lines(problem: Problem) -> str:
    return "".join(f"\n  {error['field']}: {error['message']}" for error in problem.errors or ())


def seed(settings: Settings) -> None:
    url = resolve_database_url(settings)
    print_demo(run_in_session(url, lambda session: seed_demo(session, settings)))


def purge_idempotency_keys(settings: Settings) -> None:
    from valuecalc_api.idempotency import purge_expired_idempotency_keys

    deleted = run_in_session(resolve_database_url(settings), purge_expired_idempotency_keys)
    print(f"Deleted {deleted} expired idempotency key(s).")


def openapi(output: Path, check_only: bool) -> None:
    from valuecalc_api import openapi_export

    if check_only:
        message = openapi_export.check(output)
        if message is not None:
            raise CommandError(message)
        print(f"{output} is up to date.")
    else:
        openapi_export.write(output)
        print(f"Wrote {output}.")


_EXAMPLES = {
    "serve": "valuecalc serve --workers 4 --host 0.0.0.0 --no-demo",
    "migrate": "DATABASE_URL=postgresql://app@db/valuecalc valuecalc migrate",
    "create-org": 'valuecalc create-org "Acme Corp"',
    "create-key": (
        "valuecalc create-key --org 3f2b8c1e-4d5a-4e6f-8a9b-0c1d2e3f4a5b --role editor "
        "--name 'CRM sync'"
    ),
    "seed-demo": "valuecalc seed-demo",
    "purge-idempotency-keys": "valuecalc purge-idempotency-keys   # e.g. hourly from cron",
    "openapi": "valuecalc openapi --output openapi/openapi.json --check",
}


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str
) -> argparse.ArgumentParser:
    """A subcommand with its one-line help and an example under its `--help`."""
    return commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=f"example:\n  {_EXAMPLES[name]}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _add_serve_options(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """Options of `serve`; each defaults from its environment variable (shown in --help)."""
    parser.add_argument(
        "--host",
        help=f"address to listen on (default: $VALUECALC_HOST, now {defaults.host})",
    )
    parser.add_argument(
        "--port",
        type=int,
        help=f"port to listen on (default: $VALUECALC_PORT, now {defaults.port})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="worker processes; rate limits and idempotency are shared through PostgreSQL "
        f"(default: $VALUECALC_WORKERS, now {defaults.workers})",
    )
    parser.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        help="load the demo organization on a first start; never in production "
        f"(default: $VALUECALC_DEMO, now {'on' if defaults.demo else 'off'})",
    )
    parser.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop when the parent process exits (`make run` uses it)",
    )


def _settings_for_help() -> Settings:
    try:
        return Settings()
    except ValueError:  # e.g. production without a pepper: --help still works
        return Settings.model_construct()


def build_parser(defaults: Settings | None = None) -> argparse.ArgumentParser:
    defaults = defaults or _settings_for_help()
    parser = argparse.ArgumentParser(
        prog="valuecalc",
        description=__doc__.splitlines()[0],
        epilog="Run `valuecalc COMMAND --help` for a command's options and an example.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_parser = _command(
        commands, "serve", "migrate, seed the demo on a first start, and serve the API"
    )
    _add_serve_options(serve_parser, defaults)
    _command(commands, "migrate", "upgrade the database to the latest schema")
    create_org_parser = _command(
        commands, "create-org", "create an organization and print its first admin key"
    )
    create_org_parser.add_argument("name")
    key_parser = _command(commands, "create-key", "create an API key and print it once")
    key_parser.add_argument("--org", required=True, type=uuid.UUID, help="organization id")
    key_parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    key_parser.add_argument("--name", default="CLI key", help="a label shown in key lists")
    key_parser.add_argument(
        "--tracker",
        dest="trackers",
        action="append",
        type=uuid.UUID,
        metavar="ID",
        help="limit the key to this tracker (repeatable)",
    )
    _command(commands, "seed-demo", "create a demo organization and print its admin key")
    _command(commands, "purge-idempotency-keys", "delete idempotency keys older than their 24 h")
    openapi_parser = _command(commands, "openapi", "write or check the OpenAPI document")
    openapi_parser.add_argument("--output", type=Path, default=Path("openapi/openapi.json"))
    openapi_parser.add_argument(
        "--check", action="store_true", help="fail if the file differs from the code"
    )
    return parser


def _serve_options(args: argparse.Namespace, settings: Settings) -> ServeOptions:
    def given(name: str, default: object) -> object:
        value = getattr(args, name)
        return default if value is None else value

    workers = int(str(given("workers", settings.workers)))
    if workers < 1:
        raise CommandError("--workers must be at least 1.")
    return ServeOptions(
        host=str(given("host", settings.host)),
        port=int(str(given("port", settings.port))),
        workers=workers,
        demo=bool(given("demo", settings.demo)),
        stop_with_parent=bool(args.stop_with_parent),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "openapi":
            openapi(args.output, args.check)
            return 0
        settings = Settings()
        if args.command == "serve":
            serve(settings, _serve_options(args, settings))
        elif args.command == "migrate":
            migrate.upgrade(resolve_database_url(settings))
            print("The database is at the latest schema.")
        elif args.command == "create-org":
            create_org(settings, args.name)
        elif args.command == "create-key":
            create_key(settings, args.org, Role(args.role), args.name, args.trackers)
        elif args.command == "seed-demo":
            seed(settings)
        elif args.command == "purge-idempotency-keys":
            purge_idempotency_keys(settings)
    except (CommandError, ServeError) as error:
        print(f"valuecalc: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
