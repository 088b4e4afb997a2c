"""Write the header-detection corpus: ERP / finance / MES / CRM exports shaped like the real ones, each with
its expected table beside it (<file>.expected.json). The files are committed; rerun to refresh:

    PYTHONPATH=<dir with xlwt> .venv/bin/python tests/data/imports/corpus/make_corpus.py

.xlsx files are written with openpyxl, .xls (Excel 97-2003, BIFF8) with xlwt, CSV with the csv module in
UTF-8, UTF-8 with BOM and GBK/GB18030. Every file is small and deterministic (fixed seeds).

Expected table (what a correct reader gives; checked by tests/service/imports/test_corpus.py):
  header_row   1-based row (line) of the header; with a two-level header, its first (group) row
  labels       the column names as the header says them; a two-level header joins group and name with a
               space ("一季度 销售额")
  types        the column types the import should give (BIGINT, DOUBLE, DATE, TIMESTAMP, VARCHAR)
  data_rows    rows of data (titles, units, header, blank rows, 合计 rows and notes not counted)
  totals_rows  1-based rows of 合计 / 本期合计 lines below the data (left out, reported)
  footer_rows  1-based rows of notes below the data (备注, 说明, 制表人 …; left out, reported)
  cells        [data row index (0-based), label, value] samples; dates as "YYYY-MM-DD"
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

CUSTOMERS = ["苏州恒力机械", "宁波精工", "无锡华润电子", "常州天马", "上海汇川", "杭州中控", "南京埃斯顿", "合肥科大"]
REGIONS = ["华东", "华南", "华北", "西南", "华中"]
PRODUCTS = ["伺服电机", "减速机", "编码器", "PLC 控制器", "变频器"]
LINES = ["一车间A线", "一车间B线", "二车间A线", "三车间C线"]


@dataclass
class Pct:
    """A fraction shown as a percentage (xlsx/xls: a number formatted 0.0%)."""

    value: float


@dataclass
class Sheet:
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0, c0, r1, c1 inclusive
    name: str = "Sheet1"


@dataclass
class Case:
    file: str
    sheets: list[Sheet]
    header_row: int
    labels: list[str]
    types: list[str]
    data: list[list[Any]]  # the data rows as they should be read (cells: expected values)
    totals_rows: list[int] = field(default_factory=list)
    footer_rows: list[int] = field(default_factory=list)
    sheet: str | None = None  # the sheet to read (default: the first)
    encoding: str = "utf-8"
    note: str = ""


def _iso(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Pct):
        return v.value
    return v


def _sample(data: list[list[Any]], labels: list[str], rng: random.Random) -> list[list[Any]]:
    """A few expected cells from the first 20 data rows (the preview's rows): first row, last previewed row,
    and two in between, each in every third column."""
    picks = sorted({0, min(len(data), 20) - 1, rng.randrange(min(len(data), 20)), rng.randrange(min(len(data), 20))})
    out = []
    for i in picks:
        for c, label in enumerate(labels):
            if (c + i) % 3 == 0 or c == 0:
                out.append([i, label, _iso(data[i][c])])
    return out


# ----------------------------------------------------------------------------------------------- writers

def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        covered = {(r, c) for r0, c0, r1, c1 in sh.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if v is None or (r, c) in covered:
                    continue
                cell = ws.cell(row=r + 1, column=c + 1)
                if isinstance(v, Pct):
                    cell.value, cell.number_format = v.value, "0.0%"
                elif isinstance(v, dt.datetime):
                    cell.value, cell.number_format = v, "yyyy-mm-dd hh:mm"
                elif isinstance(v, dt.date):
                    cell.value, cell.number_format = v, "yyyy-mm-dd"
                else:
                    cell.value = v
        for r0, c0, r1, c1 in sh.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)


def write_xls(path: Path, sheets: list[Sheet]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    pct = xlwt.easyxf(num_format_str="0.0%")
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        starts = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sh.merges}
        covered = {(r, c) for r0, c0, r1, c1 in sh.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                style = (pct if isinstance(v, Pct) else stamp if isinstance(v, dt.datetime)
                         else day if isinstance(v, dt.date) else None)
                value = v.value if isinstance(v, Pct) else v
                if (r, c) in starts:
                    r1, c1 = starts[(r, c)]
                    if style is None:
                        ws.write_merge(r, r1, c, c1, value)
                    else:
                        ws.write_merge(r, r1, c, c1, value, style)
                elif (r, c) in covered or v is None:
                    continue
                elif style is None:
                    ws.write(r, c, value)
                else:
                    ws.write(r, c, value, style)
    wb.save(str(path))


def write_csv(path: Path, rows: list[list[Any]], encoding: str, *, pad: bool = True, newline: str = "\r\n",
              delimiter: str = ",") -> None:
    """Rows as text (dates ISO unless already text). pad=False writes short rows without trailing delimiters
    (as hand-made exports do); pad=True pads every row to the widest, as Excel's 另存为 CSV does."""
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline, delimiter=delimiter)
    for row in rows:
        cells = ["" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(_iso(v))
                 for v in row]
        if pad:
            cells += [""] * (width - len(cells))
        else:
            while len(cells) > 1 and cells[-1] == "":
                cells.pop()
        if cells == [""]:
            buf.write(newline)
        else:
            w.writerow(cells)
    text = buf.getvalue()
    path.write_bytes(("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding))


# ----------------------------------------------------------------------------------------------- data

class Grid:
    """Rows of one sheet as they are built, with merges; add() returns the 1-based row number."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.merges: list[tuple[int, int, int, int]] = []

    def add(self, row: list[Any] | None = None) -> int:
        self.rows.append(list(row or []))
        return len(self.rows)

    def merge(self, row: int, c0: int, c1: int, down: int = 0) -> None:
        """Merge 1-based `row` from column c0 to c1 (0-based, inclusive), `down` more rows below."""
        self.merges.append((row - 1, c0, row - 1 + down, c1))

    def sheet(self, name: str = "Sheet1") -> Sheet:
        return Sheet(self.rows, self.merges, name)


def sales(n: int, seed: int) -> list[list[Any]]:
    """订单号, 客户, 地区, 下单日期, 数量, 销售额."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        qty = rng.randint(1, 60)
        out.append([f"SO2025{seed:02d}{i + 1:04d}", rng.choice(CUSTOMERS), rng.choice(REGIONS),
                    dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(180)), qty,
                    round(qty * rng.uniform(800, 5000), 2)])
    return out


SALES_LABELS = ["订单号", "客户", "地区", "下单日期", "数量", "销售额"]
SALES_TYPES = ["VARCHAR", "VARCHAR", "VARCHAR", "DATE", "BIGINT", "DOUBLE"]


def total_row(data: list[list[Any]], width: int, label_col: int = 0, label: str = "合计",
              sum_cols: tuple[int, ...] = ()) -> list[Any]:
    row: list[Any] = [None] * width
    row[label_col] = label
    for c in sum_cols:
        row[c] = round(sum(r[c] or 0 for r in data), 2)
    return row


def merged_title_xlsx() -> Case:
    """The issue's sheet: 「2025年华东区销售明细表（单位：元）」 merged over A1:F1, the header in row 2."""
    g = Grid()
    g.merge(g.add(["2025年华东区销售明细表（单位：元）"]), 0, 5)
    h = g.add(SALES_LABELS)
    data = sales(30, 1)
    for r in data:
        g.add(r)
    return Case("xlsx_merged_title.xlsx", [g.sheet("销售明细")], h, SALES_LABELS, SALES_TYPES, data)


def two_titles_xlsx() -> Case:
    """Two plain title lines (表名 + 制表：财务部), no merges."""
    g = Grid()
    g.add(["华精科技2025年1月销售明细"])
    g.add(["制表：财务部    日期：2025年2月3日"])
    h = g.add(SALES_LABELS)
    data = sales(25, 2)
    for r in data:
        g.add(r)
    return Case("xlsx_two_titles.xlsx", [g.sheet()], h, SALES_LABELS, SALES_TYPES, data)


def yonyou_ledger_xlsx() -> Case:
    """用友 应收账款明细账: merged title, 科目/期间 line (two cells), 单位 at the right, 本期合计 / 本年累计,
    制表人 / 审核 / 打印日期 footer in three cells."""
    rng = random.Random(3)
    labels = ["日期", "凭证字号", "摘要", "对方科目", "借方", "贷方", "余额"]
    g = Grid()
    g.merge(g.add(["应收账款明细账"]), 0, 6)
    r = g.add(["科目：1122 应收账款", None, None, None, None, "期间：2025.01-2025.03"])
    g.merge(r, 0, 3)
    g.merge(r, 5, 6)
    g.add([None] * 6 + ["单位：元"])
    h = g.add(labels)
    bal = 120000.0
    data = [[dt.date(2025, 1, 1), None, "期初余额", None, None, None, bal]]
    for i in range(38):
        debit = round(rng.uniform(5000, 90000), 2) if i % 3 else None
        credit = None if debit else round(rng.uniform(3000, 60000), 2)
        bal = round(bal + (debit or 0) - (credit or 0), 2)
        data.append([dt.date(2025, 1, 2) + dt.timedelta(days=2 * i), f"记-{i + 12:04d}",
                     f"{'销售' if debit else '收款'} {rng.choice(CUSTOMERS)}",
                     "主营业务收入" if debit else "银行存款", debit, credit, bal])
    for row in data:
        g.add(row)
    t1 = g.add(total_row(data, 7, 2, "本期合计", (4, 5)))
    t2 = g.add(total_row(data, 7, 2, "本年累计", (4, 5)))
    f = g.add(["制表人：张会计", None, None, "审核：李主管", None, "打印日期：2025年4月1日"])
    types = ["DATE", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE"]
    return Case("xlsx_yonyou_ledger.xlsx", [g.sheet("明细账")], h, labels, types, data, [t1, t2], [f])


def kingdee_balance_xlsx() -> Case:
    """金蝶 科目余额表: merged title, 核算单位 / 期间 line, 币别 line, a two-level header (期初余额 / 本期发生额 /
    期末余额 over 借方 and 贷方; 科目编码 and 科目名称 merged down two rows), 合计 at the bottom."""
    rng = random.Random(4)
    accounts = [("1001", "库存现金"), ("1002", "银行存款"), ("1002.01", "工商银行"), ("1002.02", "招商银行"),
                ("1122", "应收账款"), ("1123", "预付账款"), ("1221", "其他应收款"), ("1403", "原材料"),
                ("1405", "库存商品"), ("1601", "固定资产"), ("1602", "累计折旧"), ("2202", "应付账款"),
                ("2211", "应付职工薪酬"), ("2221", "应交税费"), ("2221.01.01", "应交增值税（销项）"), ("4001", "实收资本"),
                ("6001", "主营业务收入"), ("6401", "主营业务成本")]
    g = Grid()
    g.merge(g.add(["科目余额表"]), 0, 7)
    r = g.add(["核算单位：苏州华精科技有限公司", None, None, None, None, None, "期间：2025年第3期"])
    g.merge(r, 0, 4)
    g.merge(r, 6, 7)
    g.add(["币别：人民币    单位：元"])
    h = g.add(["科目编码", "科目名称", "期初余额", None, "本期发生额", None, "期末余额", None])
    g.merge(h, 0, 0, 1)
    g.merge(h, 1, 1, 1)
    for c in (2, 4, 6):
        g.merge(h, c, c + 1)
    g.add([None, None, "借方", "贷方", "借方", "贷方", "借方", "贷方"])
    data = []
    for code, name in accounts:
        vals = [round(rng.uniform(1000, 900000), 2) if rng.random() > 0.3 else None for _ in range(6)]
        data.append([code, name, *vals])
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 8, 0, "合计", (2, 3, 4, 5, 6, 7)))
    labels = ["科目编码", "科目名称", "期初余额 借方", "期初余额 贷方", "本期发生额 借方", "本期发生额 贷方",
              "期末余额 借方", "期末余额 贷方"]
    types = ["VARCHAR", "VARCHAR"] + ["DOUBLE"] * 6
    return Case("xlsx_kingdee_balance.xlsx", [g.sheet("科目余额表")], h, labels, types, data, [t])


def mes_quarters(seed: int) -> list[list[Any]]:
    rng = random.Random(seed)
    out = []
    for line in LINES:
        for product in PRODUCTS[:4]:
            q1, q2 = rng.randint(200, 900), rng.randint(200, 900)
            out.append([line, product, round(q1 * rng.uniform(900, 1500), 2), q1,
                        round(q2 * rng.uniform(900, 1500), 2), q2, Pct(round(rng.uniform(0.9, 0.999), 3))])
    return out


def mes_daily_xlsx() -> Case:
    """MES 生产日报: merged title, a blank row, two-level merged header (一季度 / 二季度 over 销售额 / 数量;
    产线, 产品, 合格率 merged down), percentages, 合计 at the bottom."""
    g = Grid()
    g.merge(g.add(["2025年上半年生产日报汇总"]), 0, 6)
    g.add()
    h = g.add(["产线", "产品", "一季度", None, "二季度", None, "合格率"])
    for c in (0, 1, 6):
        g.merge(h, c, c, 1)
    g.merge(h, 2, 3)
    g.merge(h, 4, 5)
    g.add([None, None, "销售额", "数量", "销售额", "数量", None])
    data = mes_quarters(5)
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 7, 0, "合计", (2, 3, 4, 5)))
    labels = ["产线", "产品", "一季度 销售额", "一季度 数量", "二季度 销售额", "二季度 数量", "合格率"]
    types = ["VARCHAR", "VARCHAR", "DOUBLE", "BIGINT", "DOUBLE", "BIGINT", "DOUBLE"]
    return Case("xlsx_mes_daily.xlsx", [g.sheet("生产日报")], h, labels, types, data, [t])


def inventory(n: int, seed: int) -> list[list[Any]]:
    """物料编码, 物料名称, 规格型号, 计量单位, 期初数量, 入库数量, 出库数量, 结存数量, 单价, 结存金额 (numbers)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        start, inn = rng.randint(0, 5000), rng.randint(0, 3000)
        outq = rng.randint(0, start + inn)
        price = round(rng.uniform(2, 900), 2)
        end = start + inn - outq
        out.append([f"WL-{10000 + i * 7}", rng.choice(PRODUCTS) + rng.choice(["", "组件", "配件"]),
                    f"{rng.choice(['A', 'B', 'C'])}{rng.randint(10, 99)}-{rng.randint(100, 999)}",
                    rng.choice(["件", "台", "套", "个"]), start, inn, outq, end, price, round(end * price, 2)])
    return out


INV_LABELS = ["物料编码", "物料名称", "规格型号", "计量单位", "期初数量", "入库数量", "出库数量", "结存数量", "单价", "结存金额"]
INV_TYPES = ["VARCHAR"] * 4 + ["BIGINT"] * 4 + ["DOUBLE"] * 2


def inventory_notes_xlsx() -> Case:
    """库存台账: a title, two 说明 lines and a blank row above the header; numbers stored as text with thousands
    separators ("1,204", "12,345.60")."""
    g = Grid()
    g.add(["库存台账"])
    g.add(["说明：1. 数据截至2025年6月30日；2. 安全库存由计划部维护。"])
    g.add(["      3. 数量单位见计量单位列，金额单位：元。"])
    g.add()
    h = g.add(INV_LABELS)
    data = inventory(35, 6)
    for row in data:
        g.add(row[:4] + [f"{v:,}" for v in row[4:8]] + [f"{row[8]:,.2f}", f"{row[9]:,.2f}"])
    return Case("xlsx_inventory_notes.xlsx", [g.sheet("库存台账")], h, INV_LABELS, INV_TYPES, data)


def crm_blank_leading_xlsx() -> Case:
    """CRM 客户导出: three blank rows at the top, Chinese date text (2025年1月3日), percentages as text ("15%"),
    amounts as text with ¥."""
    rng = random.Random(7)
    labels = ["客户编号", "客户名称", "所属行业", "跟进人", "创建日期", "最近成交金额", "转化率", "是否重点客户"]
    g = Grid()
    for _ in range(3):
        g.add()
    h = g.add(labels)
    data, texts = [], []
    for i in range(28):
        day = dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(300))
        amount = round(rng.uniform(10000, 800000), 2)
        rate = rng.randint(1, 60)
        row = [f"KH{i + 301:05d}", rng.choice(CUSTOMERS) + rng.choice(["", "（分公司）"]),
               rng.choice(["机械", "电子", "汽车零部件", "新能源"]), rng.choice(["王磊", "陈静", "刘洋"])]
        data.append(row + [day, amount, rate / 100, rng.choice(["是", "否"])])
        texts.append(row + [f"{day.year}年{day.month}月{day.day}日", f"¥{amount:,.2f}", f"{rate}%", data[-1][-1]])
    for row in texts:
        g.add(row)
    types = ["VARCHAR"] * 4 + ["DATE", "DOUBLE", "DOUBLE", "VARCHAR"]
    return Case("xlsx_crm_blank_leading.xlsx", [g.sheet("客户")], h, labels, types, data)


def totals_and_notes_xlsx() -> Case:
    """门店日报: the header in row 1, a 合计 row, a blank row, then 备注 and 说明 lines."""
    rng = random.Random(8)
    labels = ["日期", "门店", "品类", "销售额", "毛利", "毛利率"]
    g = Grid()
    h = g.add(labels)
    data = []
    for i in range(20):
        amount = round(rng.uniform(5000, 50000), 2)
        margin = round(amount * rng.uniform(0.1, 0.4), 2)
        data.append([dt.date(2025, 3, 1) + dt.timedelta(days=i), rng.choice(["苏州店", "无锡店", "常州店"]),
                     rng.choice(["电机", "配件", "服务"]), amount, margin, Pct(round(margin / amount, 4))])
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 6, 0, "合计", (3, 4)))
    g.add()
    f1 = g.add(["备注：1. 销售额为含税金额。"])
    f2 = g.add(["说明：毛利率 = 毛利 ÷ 销售额。"])
    types = ["DATE", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE"]
    return Case("xlsx_totals_notes.xlsx", [g.sheet("日报")], h, labels, types, data, [t], [f1, f2])


def tall_header_xlsx() -> Case:
    """财务 费用明细: merged title, every header cell merged down two rows (a tall one-level header)."""
    rng = random.Random(9)
    labels = ["报销单号", "部门", "费用类型", "报销日期", "金额", "审批人"]
    g = Grid()
    g.merge(g.add(["2025年一季度费用报销明细"]), 0, 5)
    h = g.add(labels)
    for c in range(6):
        g.merge(h, c, c, 1)
    g.add([None] * 6)
    data = [[f"BX{2025000 + i}", rng.choice(["生产部", "销售部", "研发部", "财务部"]),
             rng.choice(["差旅费", "招待费", "办公费"]), dt.date(2025, 1, 2) + dt.timedelta(days=3 * i),
             round(rng.uniform(100, 9000), 2), rng.choice(["周总", "吴经理"])] for i in range(24)]
    for row in data:
        g.add(row)
    types = ["VARCHAR", "VARCHAR", "VARCHAR", "DATE", "DOUBLE", "VARCHAR"]
    return Case("xlsx_tall_header.xlsx", [g.sheet("费用")], h, labels, types, data)


def purchase_plain_xlsx() -> Case:
    """ERP 采购订单: a plain table, the header in row 1 (must keep working), timestamps and dates."""
    rng = random.Random(10)
    labels = ["采购单号", "供应商", "物料", "数量", "含税单价", "金额", "下单时间", "到货日期"]
    g = Grid()
    h = g.add(labels)
    data = []
    for i in range(30):
        qty, price = rng.randint(10, 500), round(rng.uniform(5, 300), 2)
        t = dt.datetime(2025, 2, 1, 8, 30) + dt.timedelta(hours=7 * i)
        data.append([f"PO{250200 + i}", rng.choice(["宁波轴承厂", "昆山五金", "东莞电子"]), rng.choice(PRODUCTS),
                     qty, price, round(qty * price, 2), t, t.date() + dt.timedelta(days=rng.randint(3, 20))])
    for row in data:
        g.add(row)
    types = ["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "DOUBLE", "DOUBLE", "TIMESTAMP", "DATE"]
    return Case("xlsx_purchase_plain.xlsx", [g.sheet("采购订单")], h, labels, types, data)


def multi_sheet_xlsx() -> Case:
    """A workbook whose first sheet is a cover (填表说明); the data sheet 明细 has a merged title."""
    cover = Grid()
    cover.add(["填表说明"])
    cover.add(["1. 本表由销售管理系统导出。"])
    cover.add(["2. 金额单位：元。"])
    g = Grid()
    g.merge(g.add(["华南区2025年销售明细"]), 0, 5)
    g.merge(g.add(["单位：元"]), 0, 5)
    h = g.add(SALES_LABELS)
    data = sales(22, 11)
    for row in data:
        g.add(row)
    return Case("xlsx_multi_sheet.xlsx", [cover.sheet("说明"), g.sheet("明细")], h, SALES_LABELS, SALES_TYPES, data,
                sheet="明细")


def payroll_xlsx() -> Case:
    """工资表: merged title, 部门 at the left and 单位 at the right of one line, 应发合计 in the header (a header
    word, not a totals row), 合计, and 制表 / 审核 / 批准 in three cells below."""
    rng = random.Random(12)
    labels = ["工号", "姓名", "岗位", "基本工资", "绩效工资", "加班费", "应发合计", "个税", "实发工资"]
    g = Grid()
    g.merge(g.add(["华精科技2025年3月工资表"]), 0, 8)
    g.add(["部门：生产部"] + [None] * 7 + ["单位：元"])
    h = g.add(labels)
    data = []
    for i in range(20):
        base, perf, ot = rng.choice([5200, 6000, 7500]), rng.randint(800, 3000), rng.randint(0, 1200)
        gross = base + perf + ot
        tax = round(max(gross - 5000, 0) * 0.03, 2)
        data.append([f"E{i + 12:04d}", rng.choice(["张伟", "李娜", "王强", "赵敏", "孙磊"]),
                     rng.choice(["操作工", "班组长", "质检员"]), base, perf, ot, gross, tax, round(gross - tax, 2)])
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 9, 0, "合计", (3, 4, 5, 6, 7, 8)))
    f = g.add(["制表：王五", None, None, "审核：赵六", None, None, "批准：钱七"])
    types = ["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "DOUBLE", "DOUBLE"]
    return Case("xlsx_payroll.xlsx", [g.sheet("工资表")], h, labels, types, data, [t], [f])


def merged_title_xls() -> Case:
    """The merged-title sheet as an Excel 97-2003 file: title over A1:F1, 单位 line merged too."""
    g = Grid()
    g.merge(g.add(["2025年华北区销售明细表"]), 0, 5)
    g.merge(g.add(["单位：元    制表日期：2025年7月2日"]), 0, 5)
    h = g.add(SALES_LABELS)
    data = sales(26, 13)
    for row in data:
        g.add(row)
    return Case("xls_merged_title.xls", [g.sheet("销售")], h, SALES_LABELS, SALES_TYPES, data)


def mes_shift_xls() -> Case:
    """MES 班次产量 (.xls): merged title, two-level header (计划 / 实际 over 产量 / 工时), 达成率, 合计."""
    rng = random.Random(14)
    g = Grid()
    g.merge(g.add(["一车间2025年3月班次产量报表"]), 0, 6)
    h = g.add(["日期", "班次", "计划", None, "实际", None, "达成率"])
    for c in (0, 1, 6):
        g.merge(h, c, c, 1)
    g.merge(h, 2, 3)
    g.merge(h, 4, 5)
    g.add([None, None, "产量", "工时", "产量", "工时", None])
    data = []
    for i in range(24):
        plan = rng.randint(400, 600)
        real = rng.randint(350, 620)
        data.append([dt.date(2025, 3, 1) + dt.timedelta(days=i // 2), "白班" if i % 2 == 0 else "夜班",
                     plan, 8.0 if i % 2 == 0 else 7.5, real, round(rng.uniform(6.5, 9.0), 1),
                     Pct(round(real / plan, 4))])
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 7, 0, "合计", (2, 4)))
    labels = ["日期", "班次", "计划 产量", "计划 工时", "实际 产量", "实际 工时", "达成率"]
    types = ["DATE", "VARCHAR", "BIGINT", "DOUBLE", "BIGINT", "DOUBLE", "DOUBLE"]
    return Case("xls_mes_shift.xls", [g.sheet("班次产量")], h, labels, types, data, [t])


def inventory_xls() -> Case:
    """库存台账 (.xls): title, 仓库 / 单位 line, 编制 line, header, numbers, 合计 and a 备注 line."""
    g = Grid()
    g.add(["原材料库存台账"])
    g.add(["仓库：一号原料库", None, None, None, None, None, None, None, "单位：件 / 元"])
    g.add(["编制：仓储部    编制日期：2025-06-30"])
    h = g.add(INV_LABELS)
    data = inventory(30, 15)
    for row in data:
        g.add(row)
    t = g.add(total_row(data, 10, 0, "合计", (4, 5, 6, 7, 9)))
    f = g.add(["备注：结存金额按移动加权平均单价计算。"])
    return Case("xls_inventory.xls", [g.sheet("台账")], h, INV_LABELS, INV_TYPES, data, [t], [f])


# ----------------------------------------------------------------------------------------------- CSV


@dataclass
class CsvCase:
    case: Case
    rows: list[list[Any]]
    pad: bool = True
    newline: str = "\r\n"
    delimiter: str = ","


def csv_title_padded() -> CsvCase:
    """The merged-title sheet saved as CSV by Excel (UTF-8): the title padded with commas to the width,
    合计 and 制表人 lines at the bottom."""
    rows: list[list[Any]] = [["2025年华东区销售明细表（单位：元）"], SALES_LABELS]
    data = sales(30, 16)
    rows += data
    rows.append(total_row(data, 6, 0, "合计", (4, 5)))
    rows.append(["制表人：张三", None, None, "审核：李四"])
    n = len(data)
    return CsvCase(Case("csv_title_padded_utf8.csv", [], 2, SALES_LABELS, SALES_TYPES, data, [n + 3], [n + 4]),
                   rows)


def csv_two_titles_gbk() -> CsvCase:
    """GBK, two title lines without padding (表名 + 制表：财务部), amounts quoted with thousands separators."""
    data = sales(40, 17)
    rows: list[list[Any]] = [["华精科技2025年1月销售明细"], ["制表：财务部"], SALES_LABELS]
    rows += [r[:5] + [f"{r[5]:,.2f}"] for r in data]
    return CsvCase(Case("csv_two_titles_gbk.csv", [], 3, SALES_LABELS, SALES_TYPES, data, encoding="gbk"), rows,
                   pad=False)


def csv_notes_bom() -> CsvCase:
    """UTF-8 with BOM: two blank lines, a title and two 说明 lines above the header, a 备注 line at the end."""
    data = inventory(32, 18)
    rows: list[list[Any]] = [[], [], ["库存台账（成品库）"], ["说明：数据截至2025年6月30日。"],
                             ["安全库存由计划部维护。"], INV_LABELS]
    rows += data
    rows.append(["备注：结存金额 = 结存数量 × 单价。"])
    n = len(rows)
    return CsvCase(Case("csv_notes_bom.csv", [], 6, INV_LABELS, INV_TYPES, data, [], [n], encoding="utf-8-sig"),
                   rows, pad=False, newline="\n")


def csv_two_level_gb18030() -> CsvCase:
    """GB18030, the MES quarter report saved as CSV: a title, a two-level header (一季度,,二季度, over
    销售额,数量), 合计 at the bottom."""
    data = [r[:6] for r in mes_quarters(19)]
    rows: list[list[Any]] = [["2025年上半年生产日报汇总"], ["产线", "产品", "一季度", None, "二季度", None],
                             [None, None, "销售额", "数量", "销售额", "数量"]]
    rows += data
    rows.append(total_row(data, 6, 0, "合计", (2, 3, 4, 5)))
    labels = ["产线", "产品", "一季度 销售额", "一季度 数量", "二季度 销售额", "二季度 数量"]
    types = ["VARCHAR", "VARCHAR", "DOUBLE", "BIGINT", "DOUBLE", "BIGINT"]
    return CsvCase(Case("csv_two_level_gb18030.csv", [], 2, labels, types, data, [len(rows)], encoding="gb18030"),
                   rows)


def csv_bank_statement_gbk() -> CsvCase:
    """银行流水 (GBK): 账号 / 户名 / 起止日期 lines and a blank line above the header, 合计 and 打印时间 below."""
    rng = random.Random(20)
    labels = ["交易日期", "摘要", "收入金额", "支出金额", "余额", "对方户名"]
    bal, data = 500000.0, []
    for i in range(40):
        inc = round(rng.uniform(1000, 80000), 2) if i % 2 else None
        out = None if inc else round(rng.uniform(500, 50000), 2)
        bal = round(bal + (inc or 0) - (out or 0), 2)
        data.append([dt.date(2025, 1, 1) + dt.timedelta(days=i // 2), "货款" if inc else "付款", inc, out, bal,
                     rng.choice(CUSTOMERS)])
    rows: list[list[Any]] = [["账号：6222 0212 3456 7890"], ["户名：苏州华精科技有限公司"],
                             ["起止日期：2025-01-01 至 2025-01-20"], [], labels]
    rows += data
    rows.append(total_row(data, 6, 0, "合计", (2, 3)))
    rows.append(["打印时间：2025-02-01 10:00"])
    n = len(rows)
    types = ["DATE", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR"]
    return CsvCase(Case("csv_bank_statement_gbk.csv", [], 5, labels, types, data, [n - 1], [n], encoding="gbk"),
                   rows, pad=False)


def csv_plain_crm() -> CsvCase:
    """A plain CRM export (UTF-8): the header on line 1, ISO dates, empty lines at the end."""
    rng = random.Random(21)
    labels = ["线索编号", "公司名称", "联系人", "来源", "创建日期", "预计金额"]
    data = [[f"XS{9000 + i}", rng.choice(CUSTOMERS), rng.choice(["王磊", "陈静", "刘洋"]),
             rng.choice(["展会", "官网", "转介绍"]), dt.date(2025, 4, 1) + dt.timedelta(days=i),
             rng.randint(5, 90) * 1000] for i in range(40)]
    rows: list[list[Any]] = [labels, *data, [], []]
    types = ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DATE", "BIGINT"]
    return CsvCase(Case("csv_plain_crm.csv", [], 1, labels, types, data), rows, newline="\n")


def csv_kingdee_tab_gbk() -> CsvCase:
    """金蝶 引出 as tab-separated text (GBK, .txt): a title, a 单位 line, the header, 合计."""
    rng = random.Random(22)
    labels = ["单据编号", "业务日期", "客户", "物料名称", "数量", "价税合计"]
    data = [[f"XSCKD{2503000 + i}", dt.date(2025, 3, 1) + dt.timedelta(days=i), rng.choice(CUSTOMERS),
             rng.choice(PRODUCTS), rng.randint(1, 80), round(rng.uniform(1000, 99000), 2)] for i in range(33)]
    rows: list[list[Any]] = [["销售出库单序时簿"], ["单位：元"], labels, *data]
    rows.append(total_row(data, 6, 0, "合计", (4, 5)))
    types = ["VARCHAR", "DATE", "VARCHAR", "VARCHAR", "BIGINT", "DOUBLE"]
    return CsvCase(Case("csv_kingdee_tab_gbk.txt", [], 3, labels, types, data, [len(rows)], encoding="gbk"), rows,
                   delimiter="\t", pad=False)


def csv_mes_timestamps() -> CsvCase:
    """MES 报工记录 (UTF-8, padded): a title and an 导出时间 line, timestamps, a 备注 line at the end."""
    rng = random.Random(23)
    labels = ["工单号", "工序", "设备", "开始时间", "结束时间", "合格数", "不良数"]
    data = []
    for i in range(36):
        start = dt.datetime(2025, 5, 6, 8, 0) + dt.timedelta(minutes=47 * i)
        data.append([f"MO{25050 + i // 4}", rng.choice(["粗车", "精车", "热处理", "装配"]),
                     rng.choice(["CNC-01", "CNC-02", "HT-01"]), start, start + dt.timedelta(minutes=45),
                     rng.randint(40, 120), rng.randint(0, 5)])
    rows: list[list[Any]] = [["报工记录"], ["导出时间：2025-05-08 18:00:00"], labels, *data,
                             ["备注：不良数含返工。"]]
    types = ["VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP", "BIGINT", "BIGINT"]
    return CsvCase(Case("csv_mes_timestamps.csv", [], 3, labels, types, data, [], [len(rows)]), rows)


XLSX = (merged_title_xlsx, two_titles_xlsx, yonyou_ledger_xlsx, kingdee_balance_xlsx, mes_daily_xlsx,
        inventory_notes_xlsx, crm_blank_leading_xlsx, totals_and_notes_xlsx, tall_header_xlsx, purchase_plain_xlsx,
        multi_sheet_xlsx, payroll_xlsx)
XLS = (merged_title_xls, mes_shift_xls, inventory_xls)
CSV = (csv_title_padded, csv_two_titles_gbk, csv_notes_bom, csv_two_level_gb18030, csv_bank_statement_gbk,
       csv_plain_crm, csv_kingdee_tab_gbk, csv_mes_timestamps)


def expected(case: Case) -> dict[str, Any]:
    return {"file": case.file, "sheet": case.sheet, "encoding": case.encoding, "header_row": case.header_row,
            "labels": case.labels, "types": case.types, "data_rows": len(case.data),
            "totals_rows": case.totals_rows, "footer_rows": case.footer_rows,
            "cells": _sample(case.data, case.labels, random.Random(case.file))}


def main() -> None:
    cases = []
    for fn in XLSX:
        c = fn()
        write_xlsx(HERE / c.file, c.sheets)
        cases.append(c)
    for fn in XLS:
        c = fn()
        write_xls(HERE / c.file, c.sheets)
        cases.append(c)
    for fn in CSV:
        cc = fn()
        write_csv(HERE / cc.case.file, cc.rows, cc.case.encoding, pad=cc.pad, newline=cc.newline,
                  delimiter=cc.delimiter)
        cases.append(cc.case)
    for c in cases:
        exp = expected(c)
        exp["about"] = " ".join(about(c.file).split())
        (HERE / f"{c.file}.expected.json").write_text(json.dumps(exp, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    print(f"{len(cases)} files written to {HERE}")


def about(file: str) -> str:
    """The docstring of the function that builds `file`."""
    for fn in (*XLSX, *XLS, *CSV):
        c = fn()
        name = c.case.file if isinstance(c, CsvCase) else c.file
        if name == file:
            return fn.__doc__ or ""
    return ""


if __name__ == "__main__":
    main()
