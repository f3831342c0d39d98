"""The ``jinlin`` command: serve, worker, beat, db migrate, init, seed demo, user create, pii rotate-key."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from jinlin.core.settings import SettingsError, get_settings


def _settings_or_exit() -> None:
    try:
        get_settings()
    except SettingsError as exc:
        print(f"jinlin: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


async def migrate() -> None:
    """Apply every migration (the same files on SQLite and PostgreSQL)."""
    os.environ.setdefault("PICCOLO_CONF", "jinlin.piccolo_conf")
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from jinlin.core import db

    engine = db.get_engine()
    import jinlin.piccolo_conf  # noqa: F401 - migrations find the engine there

    db.bind(engine)
    await db.open_engine(engine)
    try:
        result = await run_forwards(app_name="jinlin", migration_id="all", fake=False)
        if not result.success:
            raise SystemExit(f"jinlin: migration failed: {result.message}")
    finally:
        await db.close_engine(engine)


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app decides
    # whom to believe (JINLIN_TRUSTED_PROXIES).
    uvicorn.run(
        "jinlin.asgi:app", host=args.host, port=args.port, workers=args.workers, log_level="info", proxy_headers=False
    )


def cmd_worker(args: argparse.Namespace) -> None:
    from jinlin.core.celery import celery_app

    argv = ["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}", f"--pool={args.pool}"]
    celery_app.worker_main(argv)


def cmd_beat(args: argparse.Namespace) -> None:
    from jinlin.core.celery import celery_app

    schedule_file = str(get_settings().var_dir / "celerybeat-schedule")
    celery_app.start(["beat", "--loglevel=INFO", f"--schedule={schedule_file}"])


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(migrate())
    print("migrations applied")


def cmd_seed(args: argparse.Namespace) -> None:
    from seeds.demo import seed_demo

    summary = asyncio.run(seed_demo(size=args.size, seed=args.seed, if_empty=args.if_empty))
    print(summary)


def cmd_user_create(args: argparse.Namespace) -> None:
    from jinlin.accounts.service import create_account
    from jinlin.core import db
    from jinlin.core.errors import DomainError

    async def run() -> int:
        async with db.lifespan_db():
            memberships = [(args.organization_id, args.role)] if args.organization_id else []
            if args.role and not args.organization_id and args.role != "volunteer":
                raise DomainError("--organization-id is needed for this role", {"organization_id": "required"})
            return await create_account(
                None,
                username=args.username,
                password=args.password,
                display_name=args.display_name or args.username,
                memberships=memberships,
            )

    try:
        print(asyncio.run(run()))
    except DomainError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        print(f"jinlin: {detail}", file=sys.stderr)
        raise SystemExit(2) from exc


def _read_password(args: argparse.Namespace) -> str:
    """From a file (first line) or typed twice at a prompt: never from the command line, where ps shows it."""
    if args.admin_password_file:
        try:
            with open(args.admin_password_file, encoding="utf-8") as fh:
                return fh.readline().rstrip("\r\n")
        except OSError as exc:
            raise SystemExit(f"jinlin: cannot read the password file: {exc.strerror}") from exc
    import getpass

    if not sys.stdin.isatty():
        raise SystemExit("jinlin: give --admin-password-file (no terminal to ask for a password)")
    first = getpass.getpass("Password for the county admin: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("jinlin: the passwords differ")
    return first


def cmd_init(args: argparse.Namespace) -> None:
    from jinlin.core import db
    from jinlin.core.errors import DomainError
    from jinlin.setup.service import init_county

    password = _read_password(args)

    async def run():
        async with db.lifespan_db():
            return await init_county(
                args.county,
                code=args.code,
                admin_username=args.admin_username,
                admin_password=password,
                organization_name=args.organization_name,
                admin_display_name=args.admin_display_name,
            )

    try:
        county = asyncio.run(run())
    except DomainError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        print(f"jinlin: {exc.message} ({detail})", file=sys.stderr)
        raise SystemExit(2) from exc
    print(
        f"county area {county.area_id}, organisation {county.organization_id}, "
        f"admin account {county.account_id} ({args.admin_username}): log in and add streets and communities"
    )


def cmd_pii_rotate(args: argparse.Namespace) -> None:
    from jinlin.core import db
    from jinlin.households.rotation import rotate

    async def run() -> int:
        async with db.lifespan_db():
            return await rotate()

    print(f"re-encrypted {asyncio.run(run())} value(s) with the first key of JINLIN_PII_KEY")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jinlin", description="Jinlin (近邻) platform")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run a Celery worker (needs JINLIN_REDIS_URL)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--pool", default="prefork", choices=["prefork", "solo"])
    worker.set_defaults(func=cmd_worker)

    beat = sub.add_parser("beat", help="run Celery beat (periodic jobs)")
    beat.set_defaults(func=cmd_beat)

    dbp = sub.add_parser("db", help="database commands")
    dbsub = dbp.add_subparsers(dest="db_command", required=True)
    dbsub.add_parser("migrate", help="apply migrations").set_defaults(func=cmd_migrate)

    init = sub.add_parser("init", help="start a real county: its area, organisation and first county admin (once)")
    init.add_argument("--county", required=True, help="the county's name, e.g. 近邻县")
    init.add_argument("--code", default=None, help="the county's area code (optional)")
    init.add_argument("--organization-name", default=None, help="default: <county>委社会工作部")
    init.add_argument("--admin-username", required=True)
    init.add_argument("--admin-display-name", default="")
    init.add_argument(
        "--admin-password-file",
        default=None,
        help="a file whose first line is the password; without it you are asked at a prompt",
    )
    init.set_defaults(func=cmd_init)

    seed = sub.add_parser("seed", help="load seed data")
    seedsub = seed.add_subparsers(dest="seed_command", required=True)
    demo = seedsub.add_parser("demo", help="load the demo county")
    demo.add_argument("--size", choices=["small", "county", "city"], default="small")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the database has data")
    demo.set_defaults(func=cmd_seed)

    user = sub.add_parser("user", help="account commands")
    usersub = user.add_subparsers(dest="user_command", required=True)
    create = usersub.add_parser("create", help="create an account; prints its id")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--organization-id", type=int, default=None)
    create.add_argument("--display-name", default="")
    create.set_defaults(func=cmd_user_create)

    pii = sub.add_parser("pii", help="residents' personal data")
    piisub = pii.add_subparsers(dest="pii_command", required=True)
    piisub.add_parser(
        "rotate-key", help="re-encrypt every sealed value with the first key of JINLIN_PII_KEY"
    ).set_defaults(func=cmd_pii_rotate)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    _settings_or_exit()
    args.func(args)


if __name__ == "__main__":
    main()
