"""`valuecalc`: serve the API, migrate, create organizations and keys, seed the demo.

Without `DATABASE_URL` every command uses the embedded PostgreSQL in `data/postgres`
(`embedded.py`); the resolved URL is handed to `create_app`, never written to the
environment. Secrets are printed once, to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api import embedded, migrate
from valuecalc_api.db import create_engine, create_sessionmaker
from valuecalc_api.demo import DemoResult, seed_demo, seed_demo_if_empty
from valuecalc_api.models.organization import Role
from valuecalc_api.organizations import repository, service
from valuecalc_api.problems import Problem
from valuecalc_api.settings import Settings

T = TypeVar("T")


class CommandError(Exception):
    """A failure explained to the user in one line, exit status 1."""


def resolve_database_url(settings: Settings) -> str:
    """`DATABASE_URL` if set; otherwise start the embedded server (not in production)."""
    if settings.database_url is not None:
        return settings.database_url
    if settings.environment == "production":
        raise CommandError("Set DATABASE_URL: the embedded PostgreSQL is not for production.")
    return embedded.embedded_database_url(settings)


def _in_session(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed if it returns."""

    async def run() -> T:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _print_demo(demo: DemoResult) -> None:
    print(f'Created the demo organization "{demo.organization_name}" ({demo.organization_id}).')
    print(f"Its admin API key, shown only this once: {demo.admin_key}")
    print(f"Demo Value Tracker: {demo.tracker_id} (GET /v1/trackers/{demo.tracker_id}/report)")


def serve(settings: Settings) -> None:
    import uvicorn

    from valuecalc_api.app import create_app  # imports every route: only when serving

    database_url = resolve_database_url(settings)
    migrate.upgrade(database_url)
    if settings.environment != "production":  # production starts empty: `create-org`
        demo = _in_session(database_url, lambda session: seed_demo_if_empty(session, settings))
        if demo is not None:
            _print_demo(demo)
    print(f"API docs: http://{settings.host}:{settings.port}/docs", flush=True)
    app = create_app(settings.model_copy(update={"database_url": database_url}))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


def create_org(settings: Settings, name: str) -> None:
    async def work(session: AsyncSession) -> tuple[uuid.UUID, str]:
        organization = await service.create_organization(session, name)
        _, secret = await service.create_api_key(
            session, settings, organization.id, "First admin", Role.admin
        )
        return organization.id, secret

    organization_id, secret = _in_session(resolve_database_url(settings), work)
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

    secret = _in_session(resolve_database_url(settings), work)
    print(f"API key ({role.value}), shown only this once: {secret}")


def _error_lines(problem: Problem) -> str:
    return "".join(f"\n  {error['field']}: {error['message']}" for error in problem.errors or ())


def seed(settings: Settings) -> None:
    url = resolve_database_url(settings)
    _print_demo(_in_session(url, lambda session: seed_demo(session, settings)))


def purge_idempotency_keys(settings: Settings) -> None:
    from valuecalc_api.idempotency import purge_expired_idempotency_keys

    deleted = _in_session(resolve_database_url(settings), purge_expired_idempotency_keys)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="valuecalc", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="migrate, seed the demo on a first start, and serve the API")
    commands.add_parser("migrate", help="upgrade the database to the latest schema")
    create_org_parser = commands.add_parser(
        "create-org", help="create an organization and print its first admin key"
    )
    create_org_parser.add_argument("name")
    key_parser = commands.add_parser("create-key", help="create an API key and print it")
    key_parser.add_argument("--org", required=True, type=uuid.UUID, help="organization id")
    key_parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    key_parser.add_argument("--name", default="CLI key")
    key_parser.add_argument(
        "--tracker",
        dest="trackers",
        action="append",
        type=uuid.UUID,
        metavar="ID",
        help="limit the key to this tracker (repeatable)",
    )
    commands.add_parser("seed-demo", help="create a demo organization and print its admin key")
    commands.add_parser(
        "purge-idempotency-keys", help="delete idempotency keys older than their 24 h"
    )
    openapi_parser = commands.add_parser("openapi", help="write or check the OpenAPI document")
    openapi_parser.add_argument("--output", type=Path, default=Path("openapi/openapi.json"))
    openapi_parser.add_argument(
        "--check", action="store_true", help="fail if the file differs from the code"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "openapi":
            openapi(args.output, args.check)
            return 0
        settings = Settings()
        if args.command == "serve":
            serve(settings)
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
    except CommandError as error:
        print(f"valuecalc: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
