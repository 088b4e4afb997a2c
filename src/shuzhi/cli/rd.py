"""`shuzhi rd …`: innovation intelligence over the R&D data (issue 17).

The group `rd_app`; each analysis registers its command here in one line.
"""

from __future__ import annotations

import typer

from shuzhi.cli.rd_allocate import IdListCommand, allocate
from shuzhi.cli.rd_efficiency import efficiency

rd_app = typer.Typer(help="Innovation intelligence over R&D data. 研发创新智能分析。", no_args_is_help=True)
rd_app.command("efficiency")(efficiency)
rd_app.command("allocate", cls=IdListCommand, context_settings={"allow_extra_args": True})(allocate)
