"""The command line: the only module that parses arguments or chooses exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from .model.errors import InputError, PipelineError
from .output.interrupts import came_too_late, interrupts_answered

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m generator", description="党组织书记抓基层党建述职评议考核 document pipeline"
    )
    main.add_argument(
        "--verbose", action="store_true", help="show tracebacks and the libraries' own logs"
    )
    commands = main.add_subparsers(dest="command", required=True)
    forms = _command(commands, "forms", "validate the campaign data; write the pre-meeting pack")
    forms.add_argument(
        "--reissue",
        action="store_true",
        help="new ballot serials: sheets printed earlier become void",
    )
    scan = _command(commands, "scan", "read scanned paper ballots into OUT/scan/ballots.csv")
    scan.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="PDF, TIFF, PNG, JPEG, or a folder"
    )
    _command(commands, "letters", "read ballots and assessment; score; write results.json")
    verify = _command(commands, "verify", "check signatures, manifest hashes and PDF/A markers")
    verify.add_argument(
        "--trust", type=Path, help="trusted CA certificate (PEM or DER); default: the data's"
    )
    serve = commands.add_parser("serve", help="the clerk's station: a web application")
    serve.add_argument("--data", type=Path, default=Path("data"))
    serve.add_argument("--out", type=Path, default=Path("output"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    user = commands.add_parser("user", help="the station's accounts")
    accounts = user.add_subparsers(dest="action", required=True)
    add = accounts.add_parser("add", help="make an account or set its password and role")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("clerk", "committee", "admin"))
    add.add_argument("--data", type=Path, default=Path("data"))
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    return main


def _command(commands, name: str, text: str) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=text)
    command.add_argument("--data", type=Path, default=Path("data"))
    command.add_argument("--out", type=Path, default=Path("output"))
    command.add_argument("--quiet", action="store_true", help="no progress output")
    return command


def run(arguments: argparse.Namespace) -> int:
    from .progress import Progress

    if arguments.command in ("serve", "user"):
        return _station(arguments)
    progress = Progress(quiet=arguments.quiet)
    if arguments.command == "forms":
        from .pipeline.forms import run_forms  # rendering libraries load only when needed

        written = run_forms(
            arguments.data, arguments.out, reissue=arguments.reissue, progress=progress
        )
    elif arguments.command == "scan":
        from .pipeline.scan import run_scan

        written = run_scan(arguments.data, arguments.out, arguments.files, progress)
    elif arguments.command == "letters":
        from .pipeline.letters import run_letters

        written = run_letters(arguments.data, arguments.out, progress)
    else:
        return _verify(arguments)
    if not arguments.quiet:
        for path in written:
            print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _verify(arguments: argparse.Namespace) -> int:
    """Print the archive's verdicts; fail when any file fails."""
    from .archive.verify import verdict_table
    from .pipeline.verify import run_verify

    verdicts, demo = run_verify(arguments.out, arguments.data, arguments.trust)
    if demo:
        print(
            "注意：签名用示例证书，仅供演示 / demonstration certificate, not for official use",
            file=sys.stderr,
        )
    print(verdict_table(verdicts))
    return EXIT_OK if all(v.ok for v in verdicts) else EXIT_FAILURE


def _station(arguments: argparse.Namespace) -> int:
    """Serve the station, or make an account for it."""
    from .station.serve import add_account, serve

    if arguments.command == "serve":
        serve(arguments.data, arguments.out, arguments.host, arguments.port)
        return EXIT_OK
    return add_account(arguments.data, arguments.name, arguments.role, arguments.password_stdin)


def _route_library_logs(verbose: bool) -> None:
    """pyHanko and its certificate validator log a traceback for every signature they reject;
    verify already reports each failure in one line, so their logs show only on request."""
    if verbose:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    else:
        logging.getLogger().addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    _route_library_logs(arguments.verbose)
    try:
        with interrupts_answered():  # SIGTERM as Ctrl-C: staging discarded, workers ended
            code = run(arguments)
            if came_too_late():
                print(
                    "中断时输出目录已写出，本次运行已完成 / interrupted too late: --out already "
                    "holds this run's files",
                    file=sys.stderr,
                )
            return code
    except KeyboardInterrupt:
        print("已中断，输出目录保持原样 / interrupted: --out is as it was", file=sys.stderr)
        return EXIT_FAILURE  # the contract's "anything else"
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"输入有误，共 {len(error.problems)} 处，未写出任何文件 / invalid input: "
            f"{len(error.problems)} problem(s), nothing written",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except PipelineError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # anything unexpected: one clear line, a traceback on request
        if arguments.verbose:
            traceback.print_exc()
        print(f"内部错误 / internal error: {error!r}", file=sys.stderr)
        return EXIT_FAILURE
