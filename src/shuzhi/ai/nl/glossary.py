"""Extra words for dimension values that the model does not spell out: English glosses and common
Chinese short forms of values a manufacturer's warehouse typically holds. An alias is used only
when its value really occurs in the lexicon's values (so this never invents filters), and the
caller may pass more through `Lexicon.build(..., aliases=...)`.
"""

from __future__ import annotations

import re

VALUE_ALIASES: dict[str, list[str]] = {
    # channels
    "电商": ["e-commerce", "ecommerce", "online", "线上", "网店", "电商平台"],
    "直销": ["direct sales", "direct channel", "direct"],
    "经销": ["distributors", "distributor", "distribution", "dealers", "dealer", "经销渠道", "代理"],
    "海外": ["overseas", "international", "abroad", "国外", "境外"],
    # regions
    "华东": ["east china", "eastern china"], "华北": ["north china", "northern china"],
    "华南": ["south china", "southern china"], "华中": ["central china"],
    "西北": ["northwest china", "northwest"], "西南": ["southwest china", "southwest"],
    "东北": ["northeast china", "northeast"],
    # product lines
    "精密减速机": ["precision reducers", "precision reducer", "reducers", "reducer", "gearboxes", "减速机", "减速器"],
    "直线导轨": ["linear guides", "linear guide", "导轨"],
    "滚珠丝杠": ["ball screws", "ball screw", "丝杠"],
    "伺服电机": ["servo motors", "servo motor", "servos", "servo", "伺服"],
    "智能传感器": ["smart sensors", "smart sensor", "sensors", "传感器"],
    # industries
    "医疗器械": ["medical devices", "medical device", "medical", "医疗"],
    "航空航天": ["aerospace", "航天"],
    "光伏储能": ["solar", "photovoltaic", "energy storage", "光伏", "储能"],
    "工业机器人": ["industrial robots", "industrial robot", "robotics", "robots", "机器人"],
    "半导体设备": ["semiconductor equipment", "semiconductors", "semiconductor", "半导体"],
    "新能源汽车": ["new energy vehicles", "electric vehicles", "evs", "ev", "新能源车", "电动车"],
    "数控机床": ["cnc machine tools", "machine tools", "cnc", "机床"],
    "3C电子": ["consumer electronics", "3c electronics", "3c", "消费电子"],
    # customer types
    "直销客户": ["direct customers", "direct customer"],
    "经销商": ["resellers", "reseller"],
    # plants and warehouses
    "苏州工厂": ["suzhou plant", "suzhou factory"], "常州工厂": ["changzhou plant", "changzhou factory"],
    "苏州总仓": ["suzhou warehouse"], "深圳仓": ["shenzhen warehouse"], "成都仓": ["chengdu warehouse"],
    # opportunity stages, patents
    "赢单": ["won deals", "won", "win", "赢了", "赢下", "赢得", "拿下"],
    "输单": ["lost deals", "lost", "lose", "输了", "输掉", "丢了", "丢单", "丢掉"],
    "材料缺陷": ["material defects", "material defect"], "表面缺陷": ["surface defects", "surface defect"],
    "尺寸超差": ["dimensional defects", "out of tolerance"], "装配异常": ["assembly defects", "assembly issues"],
    # statuses: projects, orders, patents
    "进行中": ["in progress", "ongoing", "active", "在研", "在做"], "已完成": ["completed", "finished"],
    "已终止": ["terminated", "stopped", "中止"], "已取消": ["cancelled", "canceled"], "已发货": ["shipped"],
    "待发货": ["pending shipment", "not yet shipped", "未发货", "waiting to ship", "awaiting shipment",
                                                "yet to ship", "still to ship", "unshipped"], "审查中": ["under examination", "pending"],
    "已驳回": ["rejected"], "已失效": ["lapsed", "expired"],
    "商务谈判": ["谈判", "negotiation"], "方案报价": ["报价", "quotation", "proposal"], "线索": ["leads", "lead"],
    "发明": ["invention patents", "inventions", "发明专利"], "实用新型": ["utility models", "utility model"],
    "外观设计": ["design patents"],
    # material categories: the short words buyers use (进口芯片, 稀土, 轴承)
    "芯片与电子元件": ["芯片", "电子元件", "元器件", "电子料", "chips", "chip", "electronic components"],
    "轴承钢": ["bearing steel", "钢材", "特钢"], "精密轴承": ["轴承", "bearings", "precision bearings"],
    "稀土磁材": ["稀土", "磁材", "磁钢", "永磁", "rare earth", "magnets", "rare earth magnets"],
    "润滑材料": ["润滑油", "润滑脂", "润滑", "lubricants", "lubricant"],
    "铸锻件": ["铸件", "锻件", "毛坯", "castings", "forgings"],
    # countries
    "中国": ["china", "domestic market", "chinese"], "日本": ["japan", "japanese"], "德国": ["germany", "german"],
    "美国": ["usa", "united states", "american", "us"], "韩国": ["korea", "south korea", "korean"],
    "瑞典": ["sweden", "swedish"], "瑞士": ["switzerland", "swiss"], "越南": ["vietnam", "vietnamese"],
    "泰国": ["thailand", "thai"], "印度": ["india", "indian"], "意大利": ["italy", "italian"],
    "墨西哥": ["mexico", "mexican"], "巴西": ["brazil", "brazilian"], "土耳其": ["turkey", "turkish"],
    "马来西亚": ["malaysia", "malaysian"],
}

# Everyday words for a countable thing (measures.py), used only when the thing's word exists in the model:
# deals are 商机, jobs are 工单.
THING_ALIASES: dict[str, list[str]] = {
    "商机": ["deals", "deal", "销售机会"], "opportunity": ["deals", "deal"],
    "工单": ["work orders", "jobs"], "批次": ["lots", "batches", "检验批次"],
    "项目": ["projects"], "供应商": ["vendors", "suppliers"], "客户": ["accounts"],
    "订单": ["orders"], "采购订单": ["pos", "purchase orders"], "专利": ["patents"],
}

# Everyday words for a qualifier the model's metric words define (measures.py `qualifiers`: 在途 = the open
# opportunities' filter), used only when the model has that qualifier.
QUALIFIER_ALIASES: dict[str, list[str]] = {
    "在途": ["open", "未关闭", "未关单", "跟进中", "正在跟进", "在跟进", "还在跟", "在跟", "进行中的商机"],
    "成交": ["成交了"],
}

# Business verbs: the Chinese stems a model's everyday metric words use for them and the English forms people
# type. Which metric a verb means is read from the model (the metrics whose everyday words or synonyms hold a
# stem) and the thing the question names (买 of customers is revenue, of suppliers the purchase amount).
VERBS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "buy": (("买", "采购", "购买"), ("buy", "bought", "buys", "buying", "purchased", "buy from us", "bought from us",
                                    "buying from us", "purchased from us")),  # from us: the seller, not the USA
    "sell": (("卖", "销售"), ("sell", "sells", "selling")),
    "order": (("下单", "订购"), ("ordered", "order from us", "placed orders", "placed an order", "placed order",
                                "place orders", "placing orders")),
}

PROVINCES_EN: dict[str, str] = {
    "北京": "beijing", "天津": "tianjin", "上海": "shanghai", "重庆": "chongqing", "河北": "hebei",
    "山西": "shanxi", "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "江苏": "jiangsu",
    "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi", "山东": "shandong",
    "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong", "海南": "hainan",
    "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan", "陕西": "shaanxi", "甘肃": "gansu",
    "青海": "qinghai", "内蒙古": "inner mongolia", "广西": "guangxi", "西藏": "tibet", "宁夏": "ningxia",
    "新疆": "xinjiang", "苏州": "suzhou", "深圳": "shenzhen", "广州": "guangzhou", "杭州": "hangzhou",
    "南京": "nanjing", "成都": "chengdu", "武汉": "wuhan", "常州": "changzhou", "无锡": "wuxi",
}

# Administrative suffixes dropped to get the short form people write (江苏省 → 江苏, 广西壮族自治区 → 广西).
ADMIN_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
# Company-name suffixes dropped for a short customer or supplier name.
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
# Region-like values also written with these suffixes (华东区, 华东地区).
REGION_SUFFIXES = ("地区", "大区", "区域", "区")

# Site suffixes and their short forms: 常州工厂 → 常州厂, 常州; 苏州总仓 → 苏州仓, 苏州; 深圳仓 → 深圳.
_SITE_SHORT = (("工厂", "厂"), ("总仓", "仓"), ("仓", ""))


def short_forms(f: str, v: str, glossary: dict[str, list[str]]) -> list[str]:
    """The other ways people write value `v` of field `f`: without spaces, without an administrative or
    company suffix, with a region suffix, a site's short name, glossary aliases, English province names."""
    shorts: list[str] = []
    if " " in v.strip() and re.search(r"[\u4e00-\u9fff]", v):  # HD-20 谐波减速机 typed as HD-20谐波减速机
        shorts.append(re.sub(r"\s+", "", v))
    for suf in ADMIN_SUFFIXES:
        if v.endswith(suf) and len(v) - len(suf) >= 2 and f in ("province", "city", "state"):
            shorts.append(v[: -len(suf)])
            break
    for suf in COMPANY_SUFFIXES:
        if v.endswith(suf) and len(v) - len(suf) >= 4:
            shorts.append(v[: -len(suf)])
            break
    if f in ("region", "area", "sales_region"):
        shorts += [v + s for s in REGION_SUFFIXES]
    for long, short in _SITE_SHORT:  # 常州工厂 → 常州厂, 常州; 苏州总仓 → 苏州仓, 苏州; 深圳仓 → 深圳
        if v.endswith(long) and len(v) - len(long) >= 2:
            stem = v[: -len(long)]
            shorts += [stem + short, stem] if short else [stem]
            break
    shorts += glossary.get(v, [])
    for s in list(shorts):
        if s in PROVINCES_EN:
            shorts.append(PROVINCES_EN[s])
    return shorts


# Words for one side of a yes/no field (field name → value → words), used only when the field exists:
# 进口 is is_domestic = false.
BOOLEAN_ALIASES: dict[str, dict[bool, list[str]]] = {
    "is_domestic": {False: ["进口", "国外", "境外", "imported", "imports", "foreign"]},
    "is_new_product": {True: ["新品", "新产品", "新型号", "new products", "new product"],
                       False: ["老产品", "老品", "老型号", "old products", "existing products"]},
    "commercialized": {True: ["转化", "已转化", "产业化的专利", "commercialised", "commercialized"]},
}
# Words naming both sides of a yes/no field: a breakdown by it (国内外供应商 → by is_domestic).
BOOLEAN_BOTH: dict[str, list[str]] = {
    "is_domestic": ["国内外", "国内和国外", "国内与国外", "国产和进口", "domestic and foreign", "domestic vs foreign",
                    "domestic vs imported"],
    "is_new_product": ["新老产品", "新品和老品", "新产品和老产品", "新旧产品", "new and old products", "new vs old products"],
}

# Characters of metric words and the same-sounding ones a pinyin keyboard offers instead (率 → 律): used
# only to choose between two vocabulary words that are both one character away from a typo.
HOMOPHONES: dict[str, str] = {
    "率": "律绿虑滤吕旅铝", "额": "鹅饿恶俄额", "数": "书树术属输", "量": "两亮凉粮辆", "销": "消小晓笑效萧宵",
    "售": "受兽手寿收", "营": "赢迎影应盈", "润": "闰运", "户": "护互乎", "库": "酷裤苦", "存": "村寸",
    "品": "拼贫频", "良": "两粮凉量", "利": "力立例丽理莉粒历厉励李里", "毛": "猫矛茂帽貌冒", "本": "笨奔", "成": "城程诚乘",
    "价": "加家架嫁", "单": "但担丹蛋", "订": "定顶钉丁盯", "客": "可课刻", "采": "彩菜才财", "购": "够构沟购勾狗",
    "投": "头透", "入": "如儒", "强": "墙抢", "度": "渡读杜", "产": "铲惨", "区": "去曲趋",
    "线": "先现限县", "商": "上伤尚", "供": "共公工", "应": "因英营", "仓": "苍舱", "厂": "场长常",
    "域": "于与语玉遇", "省": "剩生声", "渠": "取去区", "道": "到倒导", "类": "累泪", "型": "行形性",
    "阶": "接街节", "段": "断锻短", "领": "令另零", "层": "曾蹭", "级": "及急集极", "项": "向象像",
    "专": "转砖", "申": "深身伸", "请": "清情青", "授": "受售兽", "权": "全泉劝", "缺": "却确", "陷": "现线限",
    "检": "减简捡", "验": "眼严研", "物": "务无误", "料": "了聊", "工": "公功攻", "业": "也夜页",
    "周": "州洲舟", "转": "专赚", "计": "记季及", "划": "话化画", "达": "打答", "研": "验严言", "发": "法罚",
    "合": "和何河", "格": "个隔革", "赢": "营影迎", "机": "几及鸡", "货": "或获活", "金": "今进近",
    "均": "军君", "平": "评凭瓶",
}

# Words in a metric's name or label that mean "lower is better": 最差/worst of such a metric is its highest value.
LOWER_IS_BETTER = ("defect", "不良", "cost", "成本", "scrap", "报废", "废品", "reject", "退货", "投诉", "complaint",
                   "故障", "failure", "损耗", "loss", "延误", "逾期", "overdue", "lead time", "周转天数")
