"""The `shuzhi` command. Every failure a user can cause exits 1 with one clear line."""

from __future__ import annotations

import sys

import typer

from shuzhi import __version__
from shuzhi.cli import ask as ask_cmd
from shuzhi.cli import demo as demo_cmd
from shuzhi.cli import eval_ask as eval_ask_cmd
from shuzhi.cli import imports as imports_cmd
from shuzhi.cli import insights as insights_cmd
from shuzhi.cli import query as query_cmd
from shuzhi.cli import serve as serve_cmd
from shuzhi.cli import sql as sql_cmd
from shuzhi.cli.alerts import alert_app
from shuzhi.cli.channels import channel_app
from shuzhi.cli.common import fail, lang
from shuzhi.cli.connections import connection_app, extract_app
from shuzhi.cli.dashboards import dashboard_app
from shuzhi.cli.datasets import dataset_app
from shuzhi.cli.exports import export_app
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
app.add_typer(subscription_app, name="subscription")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shuzhi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """数智 Shuzhi."""


def main() -> None:
    try:
        rc = app(standalone_mode=False)
        # Without standalone mode click returns (instead of raising) the code of typer.Exit.
        if isinstance(rc, int) and rc:
            raise SystemExit(rc)
    except ShuzhiError as err:
        raise SystemExit(fail(err).exit_code) from None
    except typer.Exit as e:
        raise SystemExit(e.exit_code) from None
    except typer.Abort:
        typer.echo("已取消 / Aborted", err=True)
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        typer.echo("已取消 / Aborted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:  # click usage errors and anything unexpected
        # Usage errors (typer vendors its own click): they know how to show themselves.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        from shuzhi.log import get_logger

        get_logger("shuzhi.cli").exception("cli_crash")
        msg = (f"Internal error ({type(exc).__name__}); details are in the log (SHUZHI_HOME/logs/shuzhi.log)."
               if lang() == "en" else f"内部错误（{type(exc).__name__}），详情见日志 SHUZHI_HOME/logs/shuzhi.log。")
        typer.echo(msg, err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
