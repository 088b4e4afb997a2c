"""The `shuzhi` command. Every failure a user can cause exits 1 with one clear line."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from shuzhi import __version__
from shuzhi.cli import ask as ask_cmd
from shuzhi.cli import demo as demo_cmd
from shuzhi.cli import eval_ask as eval_ask_cmd
from shuzhi.cli import forward
from shuzhi.cli import imports as imports_cmd
from shuzhi.cli import insights as insights_cmd
from shuzhi.cli import query as query_cmd
from shuzhi.cli import serve as serve_cmd
from shuzhi.cli import sql as sql_cmd
from shuzhi.cli.alerts import alert_app
from shuzhi.cli.assess import assess_app
from shuzhi.cli.audit import audit_app
from shuzhi.cli.channels import channel_app
from shuzhi.cli.common import fail, lang
from shuzhi.cli.connections import connection_app, extract_app
from shuzhi.cli.dashboards import dashboard_app
from shuzhi.cli.datasets import dataset_app
from shuzhi.cli.exports import export_app
from shuzhi.cli.org import dept_app, ldap_app
from shuzhi.cli.rd import rd_app
from shuzhi.cli.share import share_app
from shuzhi.cli.subscriptions import subscription_app
from shuzhi.cli.user import token_app, user_app
from shuzhi.errors import ShuzhiError

app = typer.Typer(
    name="shuzhi",
    help="数智 Shuzhi: self-service BI for specialized manufacturers. 面向专精特新制造企业的自助式 BI。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve_cmd.serve)
app.command("demo")(demo_cmd.demo)
app.command("sql")(sql_cmd.sql)
app.command("query")(query_cmd.query)
app.command("import")(imports_cmd.import_file)
app.command("upgrade-names")(imports_cmd.upgrade_names)
app.command("ask")(ask_cmd.ask)
app.command("eval-ask")(eval_ask_cmd.eval_ask)
app.command("forecast")(insights_cmd.forecast)
app.command("anomalies")(insights_cmd.anomalies)
app.command("explain")(insights_cmd.explain)
app.add_typer(query_cmd.model_app, name="model")
app.add_typer(dashboard_app, name="dashboard")
app.add_typer(dataset_app, name="dataset")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(connection_app, name="connection")
app.add_typer(extract_app, name="extract")
app.add_typer(alert_app, name="alert")
app.add_typer(channel_app, name="channel")
app.add_typer(export_app, name="export")
app.add_typer(share_app, name="share")
app.add_typer(subscription_app, name="subscription")
app.add_typer(rd_app, name="rd")
app.add_typer(assess_app, name="assess")
app.add_typer(audit_app, name="audit")
app.add_typer(dept_app, name="dept")
app.add_typer(ldap_app, name="ldap")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shuzhi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """数智 Shuzhi."""


def run(argv: list[str], *, on_locked: Callable[[], int | None] | None = None) -> int:
    """Run one command as the `shuzhi` entry point does; its exit code. Every ShuzhiError becomes one
    line on stderr and exit code 1. Also how the server runs a forwarded command (cli/served.py).
    `on_locked`: called when the warehouse is locked by another process; its code, if any, is the answer."""
    try:
        rc = app(args=argv, prog_name="shuzhi", standalone_mode=False)
        # Without standalone mode click returns (instead of raising) the code of typer.Exit.
        return rc if isinstance(rc, int) else 0
    except ShuzhiError as err:
        if err.code == "warehouse_locked" and on_locked is not None:
            rc = on_locked()
            if rc is not None:
                return rc
        return fail(err).exit_code
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("已取消 / Aborted", err=True)
        return 130
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as exc:  # click usage errors and anything unexpected
        # Usage errors (typer vendors its own click): they know how to show themselves.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(exc.exit_code)
        from shuzhi.log import get_logger

        get_logger("shuzhi.cli").exception("cli_crash")
        msg = (f"Internal error ({type(exc).__name__}); details are in the log (SHUZHI_HOME/logs/shuzhi.log)."
               if lang() == "en" else f"内部错误（{type(exc).__name__}），详情见日志 SHUZHI_HOME/logs/shuzhi.log。")
        typer.echo(msg, err=True)
        return 1


def main() -> None:
    """The `shuzhi` command. While a `shuzhi serve` holds this SHUZHI_HOME's warehouse, commands run
    inside it (cli/forward.py); otherwise here."""
    argv = sys.argv[1:]
    if forward.forwardable(argv):
        info = forward.live_server()
        if info is not None:
            rc = forward.forward(info, argv)
            if rc is not None:
                raise SystemExit(rc)
        if sys.stdin is not None and not sys.stdin.isatty():
            sys.stdin = forward.RecordingStdin(sys.stdin)  # type: ignore[assignment]

    def on_locked() -> int | None:
        # A server that started after the check above: send the command to it once it is up.
        if not forward.forwardable(argv):
            return None
        info = forward.live_server(wait_s=3.0)
        return forward.forward(info, argv) if info is not None else None

    raise SystemExit(run(argv, on_locked=on_locked))


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
