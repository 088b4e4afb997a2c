"""Chinese (and export-market) names for people and companies.

Invariants: every function returns names unique within its call (a name identifies a person or
company in the demo); names are composed from the pools below by numpy draws only, so they are
reproducible from the seed. All companies are fictional; cities are real.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Given-name characters, kept apart by the way they are usually used so names read naturally.
GIVEN_M = "伟强磊军洋勇杰涛明超刚建国志文海辉鹏宇浩凯博轩睿俊峰斌亮毅翔昊航鑫晨宁振永平华"
GIVEN_F = "芳娜敏静丽艳娟秀霞英玉萍红玲婷雪琳欣思雨佳嘉诗慧颖楠晓晶丹琦瑶蕾倩月梦"

BRAND_FIRST = "恒华瑞宏鑫德泰盛博汇正联启航新丰安天中宇永嘉金长东海远科精创凯富万百通越明智力银"
BRAND_SECOND = "信达源泰昌盛通宇辉瑞丰创科力锐成隆峰驰远博拓凯诚和德鹏华欣威"

LATIN_BRANDS: dict[str, tuple[str, ...]] = {
    "德国": ("Kessler", "Brandt", "Hofmann", "Lindner", "Vogel", "Krause", "Reinhardt", "Adler", "Weiss"),
    "日本": ("Takumi", "Sakura", "Hoshino", "Kaneda", "Yamato", "Mitaka", "Fujisawa", "Sanwa", "Asahino"),
    "韩国": ("Hanseong", "Daejin", "Seoha", "Mirae", "Hyoseong", "Jinwoo", "Saebit"),
    "美国": ("Arcadia", "Summit", "Redwood", "Liberty", "Cascade", "Keystone", "Pioneer", "Bluewater"),
    "越南": ("Minh Phat", "Hoang Long", "Viet Tien", "An Phu", "Thanh Cong", "Dai Viet"),
    "印度": ("Shakti", "Vardhman", "Kaveri", "Sundaram", "Prakash", "Ganga"),
    "泰国": ("Siam", "Krungthep", "Chao Phraya", "Lanna", "Ayutthaya"),
    "墨西哥": ("Azteca", "Monterrey", "Del Norte", "Sierra", "Bajio"),
    "意大利": ("Ferraro", "Bianchi", "Galli", "Lombardi", "Marchetti", "Rinaldi"),
    "土耳其": ("Anadolu", "Bosphorus", "Yildiz", "Ege", "Marmara"),
    "马来西亚": ("Penang", "Seri", "Kinabalu", "Melaka", "Perdana"),
    "巴西": ("Paulista", "Horizonte", "Tupi", "Aurora", "Itaipu"),
    "瑞典": ("Nordstrom", "Lindqvist", "Bergman", "Sundberg"),
    "瑞士": ("Alpina", "Zurbach", "Helvetia", "Rigi"),
}

# Word in a customer's name by industry (contract order of contract.INDUSTRIES).
INDUSTRY_WORDS_ZH: tuple[tuple[str, ...], ...] = (
    ("新能源汽车", "汽车零部件", "动力科技", "电驱动系统"),
    ("机器人", "智能装备", "自动化科技", "机器人技术"),
    ("半导体设备", "微电子装备", "半导体科技", "精密装备"),
    ("医疗器械", "医疗科技", "医疗设备"),
    ("光伏科技", "新能源科技", "储能技术", "光电科技"),
    ("电子科技", "精密电子", "智能科技", "电子设备"),
    ("数控机床", "精工机械", "机床", "精密机械"),
    ("航空科技", "航天装备", "航空零部件", "飞行器科技"),
)
DISTRIBUTOR_WORDS_ZH = ("机电设备", "自动化设备", "传动科技", "工控设备", "机电科技", "传动设备")
INDUSTRY_WORDS_EN: tuple[tuple[str, ...], ...] = (
    ("Mobility", "EV Components", "Automotive"),
    ("Robotics", "Automation"),
    ("Semiconductor Equipment", "Wafer Systems"),
    ("Medical Devices", "MedTech"),
    ("Solar Systems", "Energy Storage"),
    ("Electronics", "Smart Devices"),
    ("Machine Tools", "Precision Machinery"),
    ("Aerospace", "Aero Systems"),
)
DISTRIBUTOR_WORDS_EN = ("Motion Supply", "Industrial Supply", "Drive Components")


def pick(rng: np.random.Generator, pool: tuple[str, ...] | list[str] | str, n: int) -> np.ndarray:
    """n uniform draws from a pool of strings, as an object array."""
    return np.asarray(list(pool), dtype=object)[rng.integers(0, len(pool), n)]


def make_unique(
    rng: np.random.Generator, n: int, build: Callable[[np.random.Generator, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Build n names with build(rng, rows) and redraw the rows whose name is already taken.

    Earlier rows keep their name; after 60 rounds any remaining clash gets a numeric suffix
    (never reached with the demo's pool sizes, but it guarantees termination).
    """
    names = build(rng, np.arange(n))
    for _ in range(60):
        _, first = np.unique(names, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        if len(dup) == 0:
            return names
        names[dup] = build(rng, dup)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # pragma: no cover - safety net only
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k:
            names[i] = f"{name}{k + 1}"
    return names


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique Chinese full names: one-character surname, one or two given characters."""
    # Common surnames are much more frequent: weight by rank (Zipf-like).
    sw = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.8

    def build(r: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        m = len(rows)
        sur = np.asarray(list(SURNAMES), dtype=object)[r.choice(len(SURNAMES), m, p=sw / sw.sum())]
        female = r.random(m) < 0.45
        g1 = np.where(female, pick(r, GIVEN_F, m), pick(r, GIVEN_M, m))
        g2 = np.where(female, pick(r, GIVEN_F, m), pick(r, GIVEN_M, m))
        two = (r.random(m) < 0.72) & (g1 != g2)
        return np.where(two, sur + g1 + g2, sur + g1)

    return make_unique(rng, n, build)


def brand(rng: np.random.Generator, n: int) -> np.ndarray:
    """Two-character trade names such as 恒信, 华瑞 (never the same character twice)."""
    a, b = pick(rng, BRAND_FIRST, n), pick(rng, BRAND_SECOND, n)
    same = a == b
    b[same] = pick(rng, "源昌隆", int(same.sum()))
    return a + b


def short_city(city: np.ndarray) -> np.ndarray:
    """'苏州市' -> '苏州' (company names use the city without 市)."""
    return np.asarray([c[:-1] if c.endswith("市") else c for c in city.tolist()], dtype=object)


def chinese_company_names(
    rng: np.random.Generator, city: np.ndarray, words: list[tuple[str, ...]], listed_share: float = 0.2
) -> np.ndarray:
    """Unique names like 苏州恒信精工机械有限公司: city + trade name + business word + legal form.

    city[i] is the registration city, words[i] the pool of business words for row i.
    """
    short = short_city(city)

    def build(r: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        m = len(rows)
        word = np.asarray(
            [w[k % len(w)] for w, k in zip([words[i] for i in rows], r.integers(0, 60, m), strict=True)],
            dtype=object,
        )
        suffix = np.where(r.random(m) < listed_share, "股份有限公司", "有限公司").astype(object)
        return short[rows] + brand(r, m) + word + suffix

    return make_unique(rng, len(city), build)


def latin_company_names(
    rng: np.random.Generator,
    country: np.ndarray,
    words: list[tuple[str, ...]],
    suffixes: list[tuple[str, ...]],
) -> np.ndarray:
    """Unique names like 'Kessler Robotics GmbH' for companies abroad."""

    def build(r: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        m = len(rows)
        k = r.integers(0, 1_000_000, (3, m))
        out = []
        for j, i in enumerate(rows.tolist()):
            pool = LATIN_BRANDS[country[i]]
            w, s = words[i], suffixes[i]
            out.append(f"{pool[k[0, j] % len(pool)]} {w[k[1, j] % len(w)]} {s[k[2, j] % len(s)]}")
        return np.asarray(out, dtype=object)

    return make_unique(rng, len(country), build)
