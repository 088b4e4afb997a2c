"""The fixed shape of the demo warehouse (docs/DEMO_SCHEMA.md), written down once.

Invariants:
- TABLE_COLUMNS lists every demo table with its columns in contract order, the exact DuckDB
  type and whether NULL is allowed. Tables are created from this list, so a generated table can
  never drift from the contract (no BIGINT where INTEGER is promised).
- The value sets below are the exact strings of the contract, in contract order; generators
  index into these tuples, never spell the strings themselves.
"""

from __future__ import annotations

from typing import Final

Column = tuple[str, str, bool]  # (name, DuckDB type, nullable)

TABLE_COLUMNS: Final[dict[str, tuple[Column, ...]]] = {
    "customers": (
        ("customer_id", "INTEGER", False),
        ("customer_name", "VARCHAR", False),
        ("industry", "VARCHAR", False),
        ("customer_type", "VARCHAR", False),
        ("region", "VARCHAR", False),
        ("province", "VARCHAR", True),
        ("city", "VARCHAR", True),
        ("country", "VARCHAR", False),
        ("created_date", "DATE", False),
    ),
    "products": (
        ("product_id", "INTEGER", False),
        ("product_code", "VARCHAR", False),
        ("product_name", "VARCHAR", False),
        ("product_line", "VARCHAR", False),
        ("launch_date", "DATE", False),
        ("is_new_product", "BOOLEAN", False),
        ("standard_cost", "DOUBLE", False),
        ("list_price", "DOUBLE", False),
    ),
    "sales_orders": (
        ("order_id", "VARCHAR", False),
        ("line_no", "INTEGER", False),
        ("order_date", "DATE", False),
        ("ship_date", "DATE", True),
        ("customer_id", "INTEGER", False),
        ("product_id", "INTEGER", False),
        ("sales_rep", "VARCHAR", False),
        ("channel", "VARCHAR", False),
        ("quantity", "INTEGER", False),
        ("unit_price", "DOUBLE", False),
        ("discount_rate", "DOUBLE", False),
        ("amount", "DOUBLE", False),
        ("cost", "DOUBLE", False),
        ("status", "VARCHAR", False),
    ),
    "inventory_snapshots": (
        ("snapshot_date", "DATE", False),
        ("warehouse", "VARCHAR", False),
        ("product_id", "INTEGER", False),
        ("on_hand_qty", "INTEGER", False),
        ("on_hand_value", "DOUBLE", False),
    ),
    "production_orders": (
        ("work_order_id", "VARCHAR", False),
        ("product_id", "INTEGER", False),
        ("plant", "VARCHAR", False),
        ("production_line", "VARCHAR", False),
        ("start_date", "DATE", False),
        ("finish_date", "DATE", True),
        ("planned_qty", "INTEGER", False),
        ("good_qty", "INTEGER", False),
        ("scrap_qty", "INTEGER", False),
        ("planned_hours", "DOUBLE", False),
        ("actual_hours", "DOUBLE", False),
    ),
    "quality_inspections": (
        ("inspection_id", "VARCHAR", False),
        ("work_order_id", "VARCHAR", False),
        ("inspection_date", "DATE", False),
        ("supplier_id", "INTEGER", True),
        ("batch_no", "VARCHAR", False),
        ("inspected_qty", "INTEGER", False),
        ("defect_type", "VARCHAR", False),
        ("defect_qty", "INTEGER", False),
    ),
    "suppliers": (
        ("supplier_id", "INTEGER", False),
        ("supplier_name", "VARCHAR", False),
        ("country", "VARCHAR", False),
        ("is_domestic", "BOOLEAN", False),
        ("material_category", "VARCHAR", False),
    ),
    "purchase_orders": (
        ("po_id", "VARCHAR", False),
        ("po_date", "DATE", False),
        ("supplier_id", "INTEGER", False),
        ("material_category", "VARCHAR", False),
        ("amount", "DOUBLE", False),
    ),
    "opportunities": (
        ("opportunity_id", "VARCHAR", False),
        ("customer_id", "INTEGER", False),
        ("product_line", "VARCHAR", False),
        ("owner", "VARCHAR", False),
        ("created_date", "DATE", False),
        ("close_date", "DATE", True),
        ("stage", "VARCHAR", False),
        ("expected_amount", "DOUBLE", False),
    ),
    "rd_projects": (
        ("project_id", "VARCHAR", False),
        ("project_name", "VARCHAR", False),
        ("rd_layer", "VARCHAR", False),
        ("tech_field", "VARCHAR", False),
        ("start_date", "DATE", False),
        ("planned_end_date", "DATE", False),
        ("status", "VARCHAR", False),
        ("budget", "DOUBLE", False),
        ("industrialized", "BOOLEAN", False),
        ("product_line", "VARCHAR", False),  # extension, see EXTENSION_COLUMNS
    ),
    "rd_expenses": (
        ("expense_month", "DATE", False),
        ("project_id", "VARCHAR", False),
        ("expense_category", "VARCHAR", False),
        ("amount", "DOUBLE", False),
    ),
    "patents": (
        ("patent_id", "VARCHAR", False),
        ("title", "VARCHAR", False),
        ("abstract", "VARCHAR", False),
        ("patent_type", "VARCHAR", False),
        ("tech_field", "VARCHAR", False),
        ("application_date", "DATE", False),
        ("grant_date", "DATE", True),
        ("legal_status", "VARCHAR", False),
        ("project_id", "VARCHAR", True),
        ("commercialized", "BOOLEAN", False),
    ),
    # Extensions for innovation intelligence (DEMO_SCHEMA.md, 2026-12).
    "industry_patents": (
        ("patent_id", "VARCHAR", False),
        ("applicant", "VARCHAR", False),
        ("applicant_type", "VARCHAR", False),
        ("country", "VARCHAR", False),
        ("title", "VARCHAR", False),
        ("abstract", "VARCHAR", False),
        ("tech_field", "VARCHAR", False),
        ("ipc", "VARCHAR", False),
        ("application_date", "DATE", False),
        ("grant_date", "DATE", True),
    ),
    "rd_proposals": (
        ("proposal_id", "VARCHAR", False),
        ("project_name", "VARCHAR", False),
        ("tech_field", "VARCHAR", False),
        ("rd_layer", "VARCHAR", False),
        ("requested_budget", "DOUBLE", False),
        ("headcount", "INTEGER", False),
        ("expected_annual_revenue", "DOUBLE", False),
        ("strategic_fit", "INTEGER", False),
        ("risk", "VARCHAR", False),
        ("submitted_date", "DATE", False),
    ),
    "rd_capacity": (
        ("plan_year", "INTEGER", False),
        ("budget", "DOUBLE", False),
        ("headcount", "INTEGER", False),
    ),
}

#: The 15 demo tables, in the order of docs/DEMO_SCHEMA.md (the 12 of the contract, the two of
#: "Extensions for innovation intelligence"), then the extension tables below.
DEMO_TABLES: Final[tuple[str, ...]] = tuple(TABLE_COLUMNS)

#: Tables added beyond DEMO_SCHEMA.md (allowed: "add tables if a feature needs them"); docs/demo.md
#: describes them. rd_capacity: next year's R&D budget and headcount (the allocation's default).
EXTENSION_TABLES: Final[tuple[str, ...]] = ("rd_capacity",)

# Columns added beyond DEMO_SCHEMA.md (the contract allows extending, never renaming). They come
# after the contract's columns of their table; docs/demo.md describes them.
EXTENSION_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "rd_projects": ("product_line",),  # the product line a project serves (R&D vs sales per line)
}

#: Extra table (allowed by the contract) holding where the injected anomalies and facts are.
GROUND_TRUTH_TABLE: Final = "demo_ground_truth"
GROUND_TRUTH_COLUMNS: Final[tuple[Column, ...]] = (
    ("anomaly", "VARCHAR", False),  # 'emerging_topic' | 'quality_incident' | 'sales_drop' | 'white_space'
    ("table_name", "VARCHAR", False),  # the fact table where it shows
    ("metric", "VARCHAR", False),  # 'defect_rate' | 'revenue' | 'patent_share' | 'patent_count'
    ("month", "DATE", False),  # first day of the affected month
    ("region", "VARCHAR", True),
    ("province", "VARCHAR", True),
    ("plant", "VARCHAR", True),
    ("supplier_id", "INTEGER", True),
    ("batch_no", "VARCHAR", True),
    ("defect_type", "VARCHAR", True),
    ("factor", "DOUBLE", False),  # measured size: defect-rate multiple, revenue kept, share/row rise
    ("description_zh", "VARCHAR", False),
    ("description_en", "VARCHAR", False),
    ("term", "VARCHAR", True),  # the phrase of emerging_topic / white_space (null for the others)
)

# -- value sets (exact contract strings, contract order) -------------------------------------
INDUSTRIES: Final = (
    "新能源汽车",
    "工业机器人",
    "半导体设备",
    "医疗器械",
    "光伏储能",
    "3C电子",
    "数控机床",
    "航空航天",
)
CUSTOMER_TYPES: Final = ("直销客户", "经销商")
REGIONS: Final = ("华东", "华南", "华北", "华中", "西南", "西北", "东北", "海外")
OVERSEAS: Final = "海外"
PRODUCT_LINES: Final = ("精密减速机", "直线导轨", "滚珠丝杠", "伺服电机", "智能传感器")
CHANNELS: Final = ("直销", "经销", "电商", "海外")
ORDER_STATUSES: Final = ("已完成", "已发货", "待发货", "已取消")
WAREHOUSES: Final = ("苏州总仓", "深圳仓", "成都仓")
PLANTS: Final = ("苏州工厂", "常州工厂")
DEFECT_TYPES: Final = ("尺寸超差", "表面缺陷", "装配异常", "材料缺陷", "无缺陷")
MATERIAL_CATEGORIES: Final = ("轴承钢", "精密轴承", "芯片与电子元件", "稀土磁材", "润滑材料", "铸锻件")
STAGES: Final = ("线索", "需求确认", "方案报价", "商务谈判", "赢单", "输单")
RD_LAYERS: Final = ("基础研究", "应用开发", "工程转化")
APPLICANT_TYPES: Final = ("企业", "高校", "研究院")
RISKS: Final = ("低", "中", "高")
PROJECT_STATUSES: Final = ("进行中", "已完成", "已终止")
TECH_FIELDS: Final = ("精密传动", "运动控制算法", "新材料", "传感与检测", "智能制造")
EXPENSE_CATEGORIES: Final = ("人员人工", "直接投入", "折旧摊销", "委托研发", "其他")
PATENT_TYPES: Final = ("发明", "实用新型", "外观设计")
LEGAL_STATUSES: Final = ("审查中", "已授权", "已驳回", "已失效")
CHINA: Final = "中国"

# Indices used by the generators (kept next to the tuples they index).
STATUS_DONE, STATUS_SHIPPED, STATUS_PENDING, STATUS_CANCELLED = range(4)
DEFECT_NONE = DEFECT_TYPES.index("无缺陷")
DEFECT_MATERIAL = DEFECT_TYPES.index("材料缺陷")
STAGE_WON, STAGE_LOST = STAGES.index("赢单"), STAGES.index("输单")


def create_table_sql(table: str, columns: tuple[Column, ...] | None = None) -> str:
    """CREATE TABLE statement with the contract's exact types and NOT NULL constraints."""
    cols = columns if columns is not None else TABLE_COLUMNS[table]
    body = ", ".join(f"{name} {typ}{'' if nullable else ' NOT NULL'}" for name, typ, nullable in cols)
    return f"CREATE TABLE {table} ({body})"
