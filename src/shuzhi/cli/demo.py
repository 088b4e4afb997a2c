"""`shuzhi demo`: build the demo company 华精科技 into the warehouse."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from shuzhi.cli.common import runtime, served, t
from shuzhi.errors import ShuzhiError


@contextmanager
def build_lock(home: Path) -> Iterator[None]:
    """One demo build per SHUZHI_HOME at a time (an OS lock, released if the process dies)."""
    path = home / "demo.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ShuzhiError(
                "demo_build_running",
                "另一个 shuzhi demo 正在构建演示数据，请等它结束后再试。",
                "Another `shuzhi demo` is already building the demo data; wait for it to finish.",
                409,
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def _parse_end(value: str | None, today: dt.date) -> dt.date:
    if value is None:
        return today - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ShuzhiError(
            "bad_end_date",
            f"--end 的日期「{value}」无效，请用 YYYY-MM-DD 格式，例如 2026-10-31。",
            f"--end '{value}' is not a valid date; use YYYY-MM-DD, e.g. 2026-10-31.",
        ) from None


def demo(
    scale: float = typer.Option(1.0, "--scale", help="Size multiplier: 1 ≈ 500,000 order lines, 20 ≈ 10 million."),
    seed: int = typer.Option(42, "--seed", help="Random seed; equal arguments give identical data."),
    end: str = typer.Option(None, "--end", help="Last day with data, YYYY-MM-DD (default: yesterday)."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing when the demo tables already exist."),
) -> None:
    """Build the demo company 华精科技 (ERP, MES, CRM, SRM, R&D data). 生成演示企业数据。"""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from shuzhi.demo import DEMO_TABLES, build_demo
    from shuzhi.demo.build import validate

    rt = runtime(start=False)
    settings = rt.settings
    today = settings.today_date()
    end_date = _parse_end(end, today)
    validate(scale, seed, end_date, today)  # before anything is touched
    if served() is not None:
        _served_demo(rt, if_missing)
        return
    settings.ensure_home()
    ext = rt.external()  # an external warehouse (SHUZHI_WAREHOUSE_URL) is checked before anything is built
    with build_lock(settings.home):
        wh = rt.warehouse()
        if if_missing and (ext is not None or settings.warehouse_path.exists()):
            existing = set((ext or wh.open()).tables())
            if all(name in existing for name in DEMO_TABLES):
                wh.close()
                _install_model(rt)
                typer.echo(t("演示数据已存在，跳过构建。", "The demo data already exists; nothing to build."))
                return
        con = wh.connection
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), transient=True,
        ) as bar:
            task = bar.add_task(t("生成演示数据", "Building demo data"), total=None)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=step, completed=done, total=total)

            try:
                report = build_demo(con, scale=scale, seed=seed, end=end_date, today=today, progress=progress)
                if ext is not None:  # built in this process's scratch file, then loaded table by table
                    from shuzhi.engines.external_sync import push, scratch_tables

                    names = scratch_tables(wh)
                    for i, name in enumerate(names):
                        progress(t(f"写入 {name}", f"loading {name}"), i, len(names))
                        push(wh, ext, [name])
            except KeyboardInterrupt:
                raise ShuzhiError(
                    "demo_cancelled",
                    "已取消，仓库中原有的数据保持不变。",
                    "Cancelled; the warehouse was left as it was.",
                ) from None
        wh.close()
    version = _install_model(rt)
    typer.echo(
        t(
            f"演示企业「华精科技」已生成：{len(report.rows)} 张表，{report.total_rows:,} 行，"
            f"用时 {report.seconds:.1f} 秒（scale={scale}, seed={seed}, 截止 {end_date}）。",
            f"Built the demo company 华精科技: {len(report.rows)} tables, {report.total_rows:,} rows "
            f"in {report.seconds:.1f} s (scale={scale}, seed={seed}, end {end_date}).",
        )
    )
    typer.echo(f"  {t('仓库', 'Warehouse')}: {ext.url_safe if ext is not None else settings.warehouse_path}")
    typer.echo(f"  {t('语义模型', 'Semantic model')}: huajing v{version} "
               f"({t('指标中心已就绪', 'metric center ready')})")
    typer.echo(f"  {t('仪表板', 'Dashboards')}: {t('经营驾驶舱、销售分析、产销协同与库存、质量追溯、研发创新', '5 demo dashboards')}")


def _served_demo(rt, if_missing: bool) -> None:  # type: ignore[no-untyped-def]
    """`shuzhi demo` while `shuzhi serve` runs on this SHUZHI_HOME (the command runs in the server):
    with --if-missing and the demo present, install its model and dashboards; never rebuild the tables
    the server is answering from."""
    from shuzhi.demo import DEMO_TABLES

    existing = set(rt.published().tables())
    if if_missing and all(name in existing for name in DEMO_TABLES):
        _install_model(rt)
        typer.echo(t("演示数据已存在，跳过构建。", "The demo data already exists; nothing to build."))
        return
    raise ShuzhiError(
        "demo_server_running",
        "shuzhi serve 正在使用这个数据目录的数据仓库，生成演示数据会替换它正在读取的表。"
        "请先停止服务（Ctrl+C），运行 shuzhi demo，再启动 shuzhi serve。",
        "shuzhi serve is using this data folder's warehouse, and building the demo would replace the tables it "
        "is answering from. Stop the server (Ctrl+C), run `shuzhi demo`, then start `shuzhi serve` again.",
        409,
    )


def _install_model(rt) -> int:  # type: ignore[no-untyped-def]
    from shuzhi.demo.semantic import install_demo_model

    rt.start(create_admin=False)  # the first admin is announced by `shuzhi serve`
    with rt.catalog.session() as s:
        version = install_demo_model(s)
        from shuzhi.demo.dashboards import install_demo_dashboards

        install_demo_dashboards(s, rt.settings.today_date())  # the five demo dashboards (idempotent)
        return version
