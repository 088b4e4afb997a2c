"""`shuzhi rd …`: innovation intelligence over the R&D data (issue 17)."""

from __future__ import annotations

import typer

from shuzhi.cli.rd_allocate import IdListCommand, allocate

rd_app = typer.Typer(help="R&D innovation intelligence. 研发创新智能。", no_args_is_help=True)
rd_app.command("allocate", cls=IdListCommand, context_settings={"allow_extra_args": True})(allocate)
