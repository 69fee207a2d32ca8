"""`conflictmap users add NAME [--role analyst|viewer] [--credentials FILE] [--password-stdin]`.

Why: serving the dashboard on a network requires a login (`conflictmap dashboard --address ...
--credentials FILE`), and this is how the file of users is made. The password is never an argument (it
would sit in the shell history and in `ps`): it is asked twice at a prompt (getpass), or read as the first
line of stdin with `--password-stdin` for scripts. Only its argon2 hash is stored, in a file written
atomically with mode 0600 (`geo.credentials`). Adding an existing name replaces its password and
role.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from geo.cli.exitcodes import ExitCode
from geo.errors import ConfigurationError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "users",
        help="manage who may sign in to the dashboard",
        description="Manage the dashboard's credentials file (argon2 password hashes and roles).",
    )
    sub = p.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser(
        "add",
        help="add a user (or set a user's password and role)",
        description="Add a user to the credentials file, or replace the password and role of an existing "
        "one. The password is asked at a prompt, or read from stdin with --password-stdin.",
    )
    add.add_argument("name", help="the login; it becomes the analyst name on the user's annotations")
    add.add_argument(
        "--role",
        choices=("analyst", "viewer"),
        default="analyst",
        help="analyst (may annotate and add articles; the default) or viewer (reads only)",
    )
    add.add_argument(
        "--credentials",
        metavar="FILE",
        help="the credentials file (default $CONFLICTMAP_CREDENTIALS); created when missing",
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    add.set_defaults(func=handle_add)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
    except EOFError as exc:
        raise ConfigurationError("no password given (use --password-stdin to read it from stdin)") from exc
    if first != second:
        raise ConfigurationError("the two passwords differ; nothing was changed")
    return first


def handle_add(args: argparse.Namespace) -> int:
    from geo.credentials import ENV, add_user, check_name, configured_path

    path = configured_path(args.credentials)
    if path is None:
        raise ConfigurationError(f"no credentials file: give --credentials FILE or set ${ENV}")
    name = check_name(args.name)  # before the prompt: a bad name should not cost typing a password
    new = add_user(path, name, _password(args.password_stdin), args.role)
    print(f"{'added' if new else 'updated'} {args.role} {name!r} in {path}")
    return ExitCode.OK
