"""A synthetic patent landscape for the pure tests of ai.innovation (independent of the demo's generator).

Sub-fields have their own objects and parts; one sub-field (`EMERGING`) appears only in the last year and
grows fast; one (`WHITE`) is large and growing and the company never files in it; one (`FADING`) shrinks."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

COMPANY = "华精科技"
APPLICANTS = [COMPANY, "汇川技术", "埃斯顿", "绿的谐波", "哈默纳科", "安川电机", "发那科", "清华大学", "浙江大学", "中科院沈阳自动化所"]
SUBFIELDS: dict[str, tuple[str, list[str], list[str]]] = {
    # name: (tech_field, objects, parts)
    "谐波": ("精密传动", ["谐波减速器", "柔轮组件", "刚轮结构"], ["柔轮", "刚轮", "波发生器", "交叉滚子轴承"]),
    "丝杠": ("精密传动", ["滚珠丝杠副", "丝杠螺母"], ["螺母座", "回珠器", "预压垫片", "防尘圈"]),
    "伺服": ("运动控制算法", ["伺服驱动器", "电流环控制器"], ["电流采样模块", "速度观测器", "陷波滤波器", "编码器接口"]),
    "轨迹": ("运动控制算法", ["多轴运动控制器", "轨迹规划模块"], ["插补单元", "前瞻模块", "加减速规划器", "位置环"]),
    "涂层": ("新材料", ["耐磨涂层", "渗碳轴承钢"], ["基体层", "过渡层", "功能涂层", "热处理工艺"]),
    "传感": ("传感与检测", ["扭矩传感器", "光栅尺"], ["应变片", "读数头", "温度补偿单元", "信号调理电路"]),
    "装配": ("智能制造", ["自动化装配线", "视觉检测工位"], ["上料机构", "拧紧工位", "视觉定位单元", "数据采集终端"]),
    "电子皮肤": ("传感与检测", ["柔性电子皮肤", "柔性触觉阵列"], ["压阻薄膜", "柔性基底", "触觉电极", "封装胶层"]),
    "量子": ("传感与检测", ["冷原子干涉陀螺", "原子干涉惯性模块"], ["磁光阱", "拉曼激光器", "真空腔体", "原子团"]),
    "油润滑": ("精密传动", ["油浴润滑减速箱", "稀油润滑系统"], ["油泵", "油位计", "回油管路", "滤油器"]),
}
EMERGING, WHITE, FADING = "量子", "电子皮肤", "油润滑"
USES = ["工业机器人关节", "数控机床进给轴", "半导体设备精密定位平台", "新能源汽车电驱系统", "医疗手术机器人"]
EFFECTS = ["提高了定位精度", "降低了传动回差", "延长了使用寿命", "减小了体积，便于集成安装", "提高了响应速度"]


def _weight(sub: str, t: float) -> float:
    """Relative filing rate of a sub-field at time t in [0, 1] (0: six years ago, 1: the end)."""
    if sub == EMERGING:
        return 0.0 if t < 0.83 else 0.3 + 6.0 * (t - 0.83) / 0.17
    if sub == WHITE:
        return 0.2 + 3.0 * t * t
    if sub == FADING:
        return 1.6 - 1.4 * t
    return 1.0


def landscape(n: int = 3000, seed: int = 7, end: dt.date = dt.date(2026, 10, 31)) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    days = 6 * 365
    rows = []
    subs = list(SUBFIELDS)
    for i in range(n):
        t = (rng.random() ** 0.8)  # more patents later (the industry grows)
        d = end - dt.timedelta(days=int((1 - t) * days))
        sub = rng.choices(subs, [_weight(s, t) for s in subs])[0]
        field, objects, parts = SUBFIELDS[sub]
        applicant = rng.choice(APPLICANTS[1:] if sub == WHITE else APPLICANTS)
        obj = rng.choice(objects)
        title = rng.choice([f"一种{obj}", f"一种{obj}及其控制方法", f"一种用于{rng.choice(USES)}的{obj}",
                            f"一种高精度{obj}"])
        p = rng.sample(parts, 3)
        abstract = (f"本发明公开了{title.removeprefix('一种') and title}，包括{p[0]}、{p[1]}和{p[2]}。"
                    f"本发明{rng.choice(EFFECTS)}，适用于{rng.choice(USES)}。")
        rows.append({"patent_id": f"CN{2020 + i // 1000}{i:07d}.X", "applicant": applicant, "applicant_type": "企业",
                     "country": "中国", "title": title, "abstract": abstract, "tech_field": field,
                     "application_date": d})
    return rows
