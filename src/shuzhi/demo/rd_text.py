"""Chinese wording for R&D: project names, patent titles and abstracts, by technical field.

Invariant: every text is composed from the pools below (indexed like contract.TECH_FIELDS) by
vectorised numpy draws, so it is reproducible from the seed; names and titles come out unique.
"""

from __future__ import annotations

import numpy as np

from shuzhi.demo.names import make_unique, pick

# Per tech field: 精密传动, 运动控制算法, 新材料, 传感与检测, 智能制造.
OBJECTS = (
    (
        "RV减速机",
        "谐波减速器",
        "摆线针轮传动机构",
        "精密行星减速器",
        "滚珠丝杠副",
        "直线导轨副",
        "交叉滚子轴承",
        "行星滚柱丝杠",
    ),
    ("伺服电机", "多轴运动控制系统", "伺服驱动器", "机器人关节模组", "直驱转台", "力矩电机"),
    ("渗碳轴承钢", "稀土永磁体", "陶瓷滚动体", "自润滑涂层", "高分子保持架", "谐波柔轮材料"),
    ("绝对值编码器", "六维力传感器", "扭矩传感器", "光栅尺", "MEMS振动传感器", "磁栅尺"),
    (
        "减速机自动化装配线",
        "丝杠磨削工艺",
        "视觉检测装置",
        "数字孪生产线",
        "智能仓储系统",
        "导轨精密磨削工艺",
    ),
)
METHODS = (
    ("齿形修形方法", "装配方法", "预紧力调整方法", "制造方法", "回差检测方法"),
    ("振动抑制方法", "参数自整定方法", "摩擦补偿方法", "轨迹规划方法", "无传感器控制方法"),
    ("制备方法", "热处理工艺", "表面处理方法", "成形方法"),
    ("标定方法", "信号处理方法", "误差补偿方法", "温度漂移补偿方法"),
    ("质量追溯方法", "在线检测方法", "排产优化方法", "寿命预测方法"),
)
COMPONENTS = (
    ("壳体", "输入轴", "输出法兰", "轴承组件", "密封组件", "预紧机构", "润滑通道"),
    ("位置环控制器", "速度观测器", "电流采样模块", "陷波滤波器", "惯量辨识单元"),
    ("基体层", "过渡层", "功能涂层", "晶界扩散层"),
    ("敏感元件", "读数头", "弹性体", "应变片", "信号调理电路", "温度补偿单元"),
    ("上料机构", "视觉定位单元", "拧紧工位", "检测工位", "数据采集终端"),
)
FEATURES = (
    ("高刚度", "低回差", "长寿命", "轻量化", "高精度", "低噪声", "紧凑型", "大扭矩"),
    ("高响应", "高精度", "自适应", "低振动", "多轴协同"),
    ("高纯净度", "高耐磨", "高矫顽力", "耐腐蚀", "低摩擦"),
    ("高分辨率", "抗干扰", "微型化", "低温漂", "高可靠性"),
    ("柔性化", "高节拍", "可追溯", "智能化", "模块化"),
)
ASPECTS = ("疲劳失效", "磨损演化", "热变形", "振动特性", "动态刚度", "摩擦学特性")
PARTS = ("密封结构", "润滑装置", "防尘结构", "安装支架", "散热结构", "检测工装", "定位夹具")
EFFECTS = (
    (
        "有效降低了传动回差，提高了定位精度",
        "显著提升了产品的使用寿命与可靠性",
        "提高了扭转刚度，降低了运行噪声",
    ),
    ("可有效抑制低频振动，缩短了整定时间", "提高了轨迹跟踪精度与响应速度", "降低了对模型参数的依赖"),
    ("显著提高了材料的疲劳寿命与耐磨性", "降低了制造成本，便于批量生产", "提高了高温下的性能稳定性"),
    ("提高了检测精度与抗干扰能力", "降低了温度漂移，提高了长期稳定性", "减小了体积，便于集成安装"),
    ("提高了生产节拍与一次合格率", "实现了质量数据的全程追溯", "降低了制造成本，便于批量生产"),
)
APPLICATIONS = (
    "工业机器人关节",
    "数控机床进给系统",
    "半导体设备精密定位平台",
    "新能源汽车电驱系统",
    "医疗手术机器人",
    "光伏组件生产设备",
    "人形机器人",
)


def _by_field(rng: np.random.Generator, pools: tuple[tuple[str, ...], ...], field: np.ndarray) -> np.ndarray:
    out = np.empty(len(field), dtype=object)
    for f, pool in enumerate(pools):
        rows = np.flatnonzero(field == f)
        out[rows] = pick(rng, pool, len(rows))
    return out


def project_names(rng: np.random.Generator, field: np.ndarray, layer: np.ndarray) -> np.ndarray:
    """E.g. 谐波减速器疲劳失效机理研究 / 低回差RV减速机开发 / 绝对值编码器产业化."""

    def build(r: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        f, lay = field[rows], layer[rows]
        obj, feat, m = _by_field(r, OBJECTS, f), _by_field(r, FEATURES, f), r.integers(0, 2, len(rows))
        basic = obj + pick(r, ASPECTS, len(rows)) + "机理研究"
        applied = np.where(
            m == 0,
            feat + obj + "开发",
            obj + pick(r, ("国产化替代", "关键技术", "性能提升"), len(rows)) + "研究",
        )
        transfer = obj + pick(r, ("产业化", "批量制造工艺攻关", "智能产线建设", "工程化验证"), len(rows))
        return np.select([lay == 0, lay == 1], [basic, applied], transfer)

    return make_unique(rng, len(field), build)


def patent_texts(
    rng: np.random.Generator, field: np.ndarray, ptype: np.ndarray, design_names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Titles (unique) and abstracts. ptype: 0 发明, 1 实用新型, 2 外观设计."""
    n = len(field)
    design_pool = np.asarray(design_names, dtype=object)
    application = pick(rng, APPLICATIONS, n)

    def build(r: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        f, t, m = field[rows], ptype[rows], len(rows)
        obj, feat = _by_field(r, OBJECTS, f), _by_field(r, FEATURES, f)
        invention = np.where(
            r.random(m) < 0.5,
            "一种" + feat + obj + "及其" + _by_field(r, METHODS, f),
            "一种" + obj + "的" + _by_field(r, METHODS, f),
        )
        utility = np.where(
            r.random(m) < 0.5, "一种" + feat + obj, "一种用于" + obj + "的" + pick(r, PARTS, m)
        )
        design = design_pool[r.integers(0, len(design_pool), m)] + pick(
            r, ("", "（升级款）", "（紧凑款）", "（轻量款）"), m
        )
        return np.select([t == 0, t == 1], [invention, utility], design)

    titles = make_unique(rng, n, build)
    comps = [np.empty(n, dtype=object) for _ in range(3)]
    for f, pool in enumerate(COMPONENTS):  # three different components per abstract
        rows = np.flatnonzero(field == f)
        chosen = rng.random((len(rows), len(pool))).argsort(axis=1)[:, :3]
        for j in range(3):
            comps[j][rows] = np.asarray(pool, dtype=object)[chosen[:, j]]
    kind = np.where(ptype == 0, "本发明", "本实用新型")
    core = np.asarray([t[2:] if t.startswith("一种") else t for t in titles.tolist()], dtype=object)
    technical = (
        kind
        + "公开了一种"
        + core
        + "，包括"
        + comps[0]
        + "、"
        + comps[1]
        + "和"
        + comps[2]
        + "。"
        + kind
        + _by_field(rng, EFFECTS, field)
        + "，适用于"
        + application
        + "。"
    )
    design = (
        "本外观设计产品的名称是"
        + titles
        + "。本外观设计产品用于"
        + application
        + "。本外观设计的设计要点在于形状。最能表明设计要点的图片或照片为立体图。"
    )
    return titles, np.where(ptype == 2, design, technical)
