"""Chinese wording of the industry's patent landscape: applicants, sub-field topics, titles, abstracts.

Invariants:
- Every sub-field topic belongs to one of contract.TECH_FIELDS and has a label (the sub-field
  phrase), objects, technical phrases and IPC codes; titles and abstracts are composed from
  them and from the generic pools of rd_text, by vectorised numpy draws (reproducible).
- The base topics are built around the objects of rd_text (the wording of 华精科技's own patents),
  so the company has patents in them. The WHITE_SPACE and EMERGING candidates use phrases that
  never occur in rd_text's pools nor in any other topic: 华精科技 cannot have a patent that
  contains them, and a candidate phrase shows only where the generator puts it.
- A topic row carries its label literally in its title or abstract with probability LABEL_P; an
  emerging-topic row always carries its term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shuzhi.demo.names import pick
from shuzhi.demo.rd_text import APPLICATIONS, COMPONENTS, EFFECTS, FEATURES

COMPANY = "华精科技"
# (applicant, applicant_type, country)
APPLICANTS: tuple[tuple[str, str, str], ...] = (
    ("苏州谐驰传动科技股份有限公司", "企业", "中国"),
    ("南通振越减速机有限公司", "企业", "中国"),
    ("深圳智擎运控技术有限公司", "企业", "中国"),
    ("杭州磐石新材料科技有限公司", "企业", "中国"),
    ("上海汇测传感技术有限公司", "企业", "中国"),
    ("株式会社三鹰精机", "企业", "日本"),
    ("布兰特传动技术股份公司", "企业", "德国"),
    ("阿尔皮纳精密机械股份公司", "企业", "瑞士"),
    ("雷德伍德运动控制公司", "企业", "美国"),
    ("苏南科技大学", "高校", "中国"),
    ("北方机电大学", "高校", "中国"),
    ("长三角精密驱动研究院", "研究院", "中国"),
    (COMPANY, "企业", "中国"),
)
N_OTHERS = len(APPLICANTS) - 1  # every applicant but the company
DOMESTIC_FIRMS, UNIVERSITIES, OTHER_DRIVERS = (0, 1, 2, 3, 4), (9, 10), (5, 6, 7, 8, 11)
# Filings share (relative) and yearly growth of each applicant but the company.
APPLICANT_SHARE = np.array([1.4, 1.0, 1.1, 0.7, 0.8, 1.3, 1.0, 0.6, 0.7, 0.9, 0.7, 0.5])
APPLICANT_GROWTH = np.array([0.18, 0.10, 0.20, 0.15, 0.14, 0.03, 0.02, 0.04, 0.06, 0.12, 0.10, 0.16])
# Field focus (精密传动, 运动控制算法, 新材料, 传感与检测, 智能制造) of each applicant but the company.
FOCUS = np.array(
    [
        [0.70, 0.10, 0.05, 0.05, 0.10],
        [0.65, 0.05, 0.10, 0.05, 0.15],
        [0.10, 0.60, 0.00, 0.15, 0.15],
        [0.10, 0.00, 0.80, 0.05, 0.05],
        [0.05, 0.15, 0.05, 0.70, 0.05],
        [0.45, 0.20, 0.10, 0.15, 0.10],
        [0.40, 0.15, 0.10, 0.10, 0.25],
        [0.30, 0.10, 0.10, 0.40, 0.10],
        [0.10, 0.55, 0.05, 0.20, 0.10],
        [0.20, 0.25, 0.25, 0.20, 0.10],
        [0.25, 0.15, 0.25, 0.15, 0.20],
        [0.30, 0.30, 0.10, 0.15, 0.15],
    ]
)
FIELD_DOMAIN = ("机械传动", "运动控制", "金属材料", "传感器", "智能制造")


@dataclass(frozen=True)
class Topic:
    field: int  # index into contract.TECH_FIELDS
    label: str  # the sub-field phrase
    objects: tuple[str, ...]
    phrases: tuple[str, ...]
    ipc: tuple[str, ...]


def _t(field: int, label: str, objects: str, phrases: str, ipc: str) -> Topic:
    return Topic(field, label, tuple(objects.split()), tuple(phrases.split()), tuple(ipc.split(",")))


BASE_TOPICS: tuple[Topic, ...] = (
    _t(0, "谐波传动", "谐波减速器 柔轮 波发生器", "齿形修形 柔轮应力 啮合间隙 刚轮齿廓", "F16H 49/001,F16H 55/08"),
    _t(0, "摆线针轮传动", "RV减速机 摆线针轮传动机构 摆线轮", "针齿壳 曲柄轴 回差控制 偏心轴承", "F16H 1/32,F16H 57/021"),
    _t(0, "行星齿轮传动", "精密行星减速器 行星架 内齿圈", "太阳轮 均载 齿轮修形 背隙调整", "F16H 1/28,F16H 57/08"),
    _t(0, "丝杠传动", "滚珠丝杠副 行星滚柱丝杠 丝杠螺母", "滚珠循环 预紧力 滚道磨削 螺纹滚柱", "F16H 25/22,F16H 25/24"),
    _t(0, "直线导轨", "直线导轨副 滑块 交叉滚子轴承", "滚动体循环 导轨预紧 防尘密封 刚性补偿", "F16C 29/06,F16C 19/36"),
    _t(1, "伺服控制", "伺服电机 伺服驱动器 力矩电机", "电流环 速度环 参数自整定 惯量辨识", "G05B 11/42,H02P 21/00"),
    _t(1, "振动抑制", "多轴运动控制系统 直驱转台", "陷波滤波 残余振动 输入整形 谐振频率", "G05B 13/04,G05B 5/01"),
    _t(1, "轨迹规划", "机器人关节模组 多轴运动控制系统", "插补算法 速度前瞻 时间最优 平滑过渡", "G05B 19/41,G05B 19/4103"),
    _t(1, "摩擦补偿", "伺服驱动器 机器人关节模组", "摩擦模型 扰动观测器 低速爬行 死区补偿", "G05B 13/04,G05B 17/02"),
    _t(2, "轴承钢冶炼", "渗碳轴承钢 高碳铬轴承钢", "夹杂物控制 真空脱气 碳化物细化 纯净度", "C22C 38/18,C21D 9/40"),
    _t(2, "稀土永磁", "稀土永磁体 钕铁硼磁体", "晶界扩散 矫顽力 重稀土减量 磁体烧结", "C22C 38/00,H01F 1/057"),
    _t(2, "表面改性", "自润滑涂层 功能涂层", "渗氮处理 物理气相沉积 膜基结合力 摩擦系数", "C23C 14/06,C23C 8/26"),
    _t(2, "工程塑料", "高分子保持架 陶瓷滚动体", "聚醚醚酮 玻纤增强 注塑成型 耐磨改性", "C08L 61/16,C08L 77/06"),
    _t(3, "编码器", "绝对值编码器 光栅尺 磁栅尺", "光电读数头 细分插值 码盘刻划 多圈计数", "G01D 5/347,G01D 5/244"),
    _t(3, "力觉检测", "六维力传感器 扭矩传感器", "应变片 弹性体结构 维间耦合 解耦标定", "G01L 5/16,G01L 3/10"),
    _t(3, "振动监测", "MEMS振动传感器 加速度传感器", "频谱分析 包络解调 故障特征 温度漂移", "G01H 1/00,G01M 13/045"),
    _t(4, "自动装配", "减速机自动化装配线 拧紧工位", "视觉定位 自动上料 压装检测 柔性夹具", "B23P 19/00,B25J 9/16"),
    _t(4, "精密磨削", "丝杠磨削工艺 导轨精密磨削工艺", "砂轮修整 磨削烧伤 在线测量 热变形补偿", "B24B 19/02,G05B 19/404"),
    _t(4, "视觉检测", "视觉检测装置 智能仓储系统", "缺陷识别 图像分割 质量追溯 深度学习", "G06T 7/00,B25J 19/02"),
)
# Sub-fields 华精科技 never worked in: one becomes the white space (large and growing), the others
# stay small side topics.
WHITE_SPACE_TOPICS: tuple[Topic, ...] = (
    _t(0, "腱绳传动", "灵巧手 腱绳驱动单元 线驱关节", "腱绳张紧 绳轮 欠驱动 绳索预紧", "F16H 19/06,B25J 15/08"),
    _t(1, "模型预测控制", "运动控制器 伺服驱动单元", "滚动优化 约束处理 预测模型 代价函数", "G05B 13/04,G05B 19/19"),
    _t(2, "碳纤维复合材料", "碳纤维臂杆 复合材料柔轮", "铺层设计 树脂基体 固化成型 层间剪切", "C08L 63/00,C08J 5/04"),
    _t(3, "触觉传感", "柔性触觉阵列 压阻薄膜", "压力分布 柔性电极 滑移检测 阵列读出", "G01L 1/20,G01L 5/22"),
    _t(4, "预测性维护", "设备健康管理平台 状态监测终端", "剩余寿命 健康指数 故障预警 维护决策", "G05B 23/02,G06Q 10/20"),
)
SIDE_TOPIC_SHARE = 0.25  # relative weight of the white-space candidates that are not chosen
# Emerging technical terms (none of them is used anywhere else): term, field, objects, phrases, ipc.
EMERGING_TOPICS: tuple[Topic, ...] = (
    _t(0, "磁场调制", "磁齿轮 磁力减速器 调磁环", "永磁阵列 非接触传动 转矩密度 过载保护", "F16H 49/00,H02K 49/10"),
    _t(1, "具身智能", "人形机器人关节 智能执行器", "大模型规划 模仿学习 视觉语言 任务泛化", "G05B 13/02,B25J 9/16"),
    _t(2, "高熵合金", "多主元合金 耐磨合金涂层", "固溶强化 相结构 激光熔覆 高温硬度", "C22C 30/00,C23C 24/10"),
    _t(3, "量子传感", "金刚石色心探头 原子磁力计", "自旋操控 微弱磁场 相干时间 光学读出", "G01R 33/26,G01D 5/12"),
    _t(4, "工业大模型", "智能排产系统 工艺知识库", "提示工程 知识图谱 生成式设计 工艺问答", "G06N 3/08,G05B 19/418"),
)
LABEL_P = 0.7
PROPOSAL_HINTS = {  # rd_proposals wording near a candidate, never its exact phrase
    "腱绳传动": "灵巧手线驱关节传动模组开发",
    "模型预测控制": "多轴伺服系统预测优化控制算法研究",
    "碳纤维复合材料": "轻量化复合材料柔轮研制",
    "触觉传感": "机器人柔性触觉阵列传感器开发",
    "预测性维护": "减速机健康状态监测与维护决策平台",
    "磁场调制": "非接触磁力减速器预研",
    "具身智能": "人形机器人智能关节执行器开发",
    "高熵合金": "多主元合金耐磨涂层机理研究",
    "量子传感": "色心磁测量编码器原理样机研究",
    "工业大模型": "生成式工艺知识助手建设",
}
TITLE_SUFFIX = ("方法", "装置", "系统", "结构", "及其控制方法")
PARTS = ("安装结构", "检测装置", "连接组件", "调节机构", "冷却系统", "控制系统")


def texts(
    rng: np.random.Generator, topics: tuple[Topic, ...], topic: np.ndarray, invention: np.ndarray,
    always_label: np.ndarray,
) -> tuple[pa.Array, pa.Array]:
    """Titles and abstracts (Arrow strings) of rows whose topic is topics[topic[i]] (Python loops run over topics only)."""
    n = len(topic)
    obj, ph1, ph2, ph3 = (np.empty(n, dtype=object) for _ in range(4))
    label, field = np.empty(n, dtype=object), np.empty(n, dtype=np.int64)
    for k, tp in enumerate(topics):
        rows = np.flatnonzero(topic == k)
        if not len(rows):
            continue
        obj[rows] = pick(rng, tp.objects, len(rows))
        chosen = rng.random((len(rows), len(tp.phrases))).argsort(axis=1)[:, :3]
        pool = np.asarray(tp.phrases, dtype=object)
        ph1[rows], ph2[rows], ph3[rows] = pool[chosen[:, 0]], pool[chosen[:, 1]], pool[chosen[:, 2]]
        label[rows], field[rows] = tp.label, tp.field
    feat, comps, effect = (np.empty(n, dtype=object) for _ in range(3))
    for f in range(len(FIELD_DOMAIN)):
        rows = np.flatnonzero(field == f)
        feat[rows] = pick(rng, FEATURES[f], len(rows))
        comps[rows] = pick(rng, COMPONENTS[f], len(rows))
        effect[rows] = pick(rng, EFFECTS[f], len(rows))
    domain = np.asarray(FIELD_DOMAIN, dtype=object)[field]
    pattern = rng.integers(0, 4, n)
    with_label = always_label | (rng.random(n) < LABEL_P)
    suffix, part = pick(rng, TITLE_SUFFIX, n), pick(rng, PARTS, n)
    use = pa.array  # object arrays of str -> Arrow strings; the joins below run in Arrow (no per-row Python)
    o, p1 = use(obj, pa.string()), use(ph1, pa.string())
    # Where the label goes: the title (pattern 0, "基于<label>的") or the domain sentence of the abstract.
    head = use(np.where(with_label & (pattern != 0), label, domain), pa.string())
    core = pc.case_when(
        pc.make_struct(*(use(pattern == k) for k in range(3))),
        _join("基于", use(np.where(with_label, label, ph1), pa.string()), "的", o, use(suffix, pa.string())),
        _join(o, "及其", p1, "方法"),
        _join(use(feat, pa.string()), o),
        _join("用于", o, "的", use(part, pa.string())),
    )
    kind = use(np.where(invention, "本发明", "本实用新型").astype(object), pa.string())
    abstract = _join(
        kind, "涉及", head, "技术领域，公开了一种", core, "，包括", o, "和", use(comps, pa.string()), "。通过",
        use(ph2, pa.string()), "与", use(ph3, pa.string()), "，", use(effect, pa.string()), "，适用于",
        use(pick(rng, APPLICATIONS, n), pa.string()), "。",
    )
    return _join("一种", core), abstract


def _join(*parts: str | pa.Array) -> pa.Array:
    """Element-wise concatenation of string arrays and constants."""
    return pc.binary_join_element_wise(*parts, "")
