"""`creative-hub serve | db ... | users create-admin | models list | generate ...`."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import Annotated

import typer

from creative_hub import cli_engines
from creative_hub.settings import get_settings

app = typer.Typer(
    help="Creative Hub: a self-hostable AI creative studio.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
cli_engines.register(app)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    migrate: Annotated[bool, typer.Option(help="Upgrade the database first")] = True,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Run the web app and, in embedded mode, the job runner in the same process."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.event_bus != "redis":
        # Each process runs jobs; with the in-memory bus a task's progress, and a stop
        # or cancel, would reach only the process that runs it.
        raise typer.BadParameter(
            "More than one worker needs the Redis event bus: set CREATIVE_HUB_EVENT_BUS=redis "
            "and CREATIVE_HUB_REDIS_URL.",
            param_hint="--workers",
        )
    if migrate:
        from creative_hub.db import migrate as migrations

        migrations.upgrade(settings.resolved_database_url)
    uvicorn.run(
        "creative_hub.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        access_log=False,  # our middleware logs each request with its request id
        proxy_headers=True,
        # A chat reply streams until it ends (task and workflow streams end at once);
        # past this, a stop cancels it and the partial reply is saved as "stopped".
        timeout_graceful_shutdown=30,
        log_level=settings.log_level.lower(),
    )


@db_app.command()
def upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from creative_hub.db import migrate

    migrate.upgrade(get_settings().resolved_database_url, revision)
    typer.echo(f"database upgraded to {revision}")


@db_app.command()
def downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Revert migrations down to REVISION (default: one step; 'base' for all)."""
    from creative_hub.db import migrate

    migrate.downgrade(get_settings().resolved_database_url, revision)
    typer.echo(f"database downgraded to {revision}")


@db_app.command()
def current() -> None:
    """Show the revision the database is at."""
    from creative_hub.db import migrate

    migrate.current(get_settings().resolved_database_url)


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True)],
    username: Annotated[str, typer.Option(prompt=True)],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a superuser account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise typer.BadParameter("the passwords differ")
    try:
        asyncio.run(_create_admin(email, username, password))
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"created administrator {username}")


async def _create_admin(email: str, username: str, password: str) -> None:
    from pydantic import ValidationError
    from sqlalchemy.exc import DBAPIError

    from creative_hub.auth.schemas import RegisterRequest
    from creative_hub.auth.security import configure_password_hashing
    from creative_hub.auth.service import AuthService
    from creative_hub.db.engine import create_engine, create_sessionmaker

    settings = get_settings()
    configure_password_hashing(settings.argon2_time_cost, settings.argon2_memory_kib)
    try:
        data = RegisterRequest(email=email, username=username, password=password)
    except ValidationError as exc:
        raise ValueError("; ".join(e["msg"] for e in exc.errors())) from exc
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await AuthService(session, settings).register(data, superuser=True)
            await session.commit()
    except (DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise RuntimeError(
            f"cannot use the database ({reason}). Is it running, and migrated with "
            "'creative-hub db upgrade'?"
        ) from exc
    finally:
        await engine.dispose()


if __name__ == "__main__":
    app()
