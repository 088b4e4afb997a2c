"""Cue words (Chinese and English) the parser recognises around metrics, dimensions and values.

Every pattern runs over the normalised question (lower case, half-width) with already understood
spans masked, so a cue never matches inside a metric, value or time expression.
"""

from __future__ import annotations

import re

N = r"(\d+|[一二两三四五六七八九十]+|one|two|three|four|five|six|seven|eight|nine|ten|twenty)"
_UNIT = r"(?:名|个|家|位|大|条|款|项|种|只|类|个客户)?"

# comparator + number (+ 以上/以下) → having; or number + 以上/以下 alone
COMP = [
    (r"大于等于|不低于|不少于|不小于|至少|起码|\bat least\b|\bno less than\b|>=|≥", ">="),
    (r"小于等于|不高于|不超过|不多于|不大于|至多|最多不超过|\bat most\b|\bno more than\b|<=|≤", "<="),
    (r"大于|高于|超过|多于|超出|过了|超|高过|(?:过|破|上)(?=十?亿|千万|百万|万)|\bover\b|\babove\b|\bmore than\b|\bgreater than\b|\bhigher than\b"
     r"|\bexceeding\b|\bexceeds?\b|\bexceeded\b|\bbeat(?:s)?\b|\bsurpass(?:ed|es)?\b|\boutperform(?:ed|s)?\b|\bbigger than\b|>", ">"),
    (r"小于|低于|少于|不到|不足|\bless than\b|\bbelow\b|\bunder\b|\bfewer than\b|\blower than\b|<", "<"),
    (r"等于|=", "="),
]
COMP_RE = re.compile("|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(COMP)))
AFTER_RE = re.compile(r"\s*(?:及以上|以上|及以下|以下|以内|之内|\band above\b|\bor more\b|\band below\b|\bor less\b)")
_NUM = r"[\d.,]+\s*(?:%|万|亿|千万|百万|million|m|k)?|百分之[零一二两三四五六七八九十]+|[零一二两三四五六七八九十百千万亿]+"
BETWEEN_RE = re.compile(rf"(?:在|介于|between)\s*(?P<a>{_NUM})\s*(?:到|至|-|~|和|与|and)\s*(?P<b>{_NUM})\s*(?:之间|之内|以内)?")

TOP_DESC = re.compile(
    rf"(?:排名前|排在前面的?|排前面的?|排前|前|(?<![a-z0-9])top[\s-]*|最高的?|最大的?|最多的?|最好的?|最贵的?|最长的?|\bhighest\s+|\blargest\s+|\bbiggest\s+"
    rf"|\bbest\s+|\bleading\s+){N}{_UNIT}|{N}\s*(?:大|强)(?=[\u4e00-\u9fff])"
    rf"|{N}{_UNIT}\s*(?=最高|最多|最大|最好|最贵|最长)|\b{N}\s+(?=(?:highest|largest|biggest|best|top)\b)")
TOP_ASC = re.compile(
    rf"(?:倒数前|倒数|后|\bbottom[\s-]*|最低的?|最小的?|最少的?|最差的?|最便宜的?|最短的?|\blowest\s+|\bsmallest\s+|\bworst\s+"
    rf"|\bleast\s+){N}{_UNIT}|{N}{_UNIT}\s*(?=最低|最少|最小|最差|最便宜|最短)"
    rf"|\b{N}\s+(?=(?:lowest|smallest|worst|bottom|least)\b)")
SUPER_DESC = re.compile(r"最高|最多|最大|最好|最强|最赚钱|最畅销|卖得最好|最贵|最昂贵|最长|\bmost expensive\b|\blongest\b|最(?=\x00)|\bhighest\b|\bmost\b|\blargest\b|\bbiggest\b"
                        r"|\btop\b|\bbest\b|\bleading\b|降序|从高到低|从大到小|\bdescending\b")
SUPER_ASC = re.compile(r"最低|最少|最小|最差|倒数|垫底|最便宜|最短|\bcheapest\b|\bshortest\b|\blowest\b|\bleast\b|\bsmallest\b|\bworst\b|\bbottom\b"
                       r"|升序|从低到高|从小到大|\bascending\b")
WHICH = re.compile(r"哪个|哪一个|哪家|哪一家|哪位|哪款|哪条|哪种|哪类|哪一|\bwhich\b|\bwho\b")
# after "which": a plural noun ("which customers' …", "which regions have …") asks for several, not one
PLURAL_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?[a-z]*[^s\s']s(?:'|\s+(?:have|are|were|do|did|had|grew|show|sold|saw)\b)")
RANK = re.compile(r"排名|排行榜?|排序|排个序|排个名|排一下名|名次|\brank(?:ing|ings|ed)?\b|\bsort(?:ed)?\b")
GROW_FAST = re.compile(r"(?:增长|增速|增幅|涨幅|上涨|提升|涨)(?:得)?最(?:快|多|大|猛)|\bfastest[\s-]*growing\b"
                       r"|\bgrew (?:the )?(?:most|fastest)\b|\bgrowing (?:the )?fastest\b|\bbiggest (?:growth|increase)\b"
                       r"|\bmost growth\b")
DROP_FAST = re.compile(r"(?:下降|下滑|降幅|跌幅|减少|下跌|降|跌)(?:得)?最(?:快|多|大|厉害|猛)"
                       r"|\bfastest[\s-]*(?:declining|falling|shrinking)\b|\b(?:declined|dropped|fell|decreased)"
                       r" (?:the )?(?:most|fastest)\b|\bbiggest (?:decline|drop|decrease)\b")
SHARE = re.compile(r"占\x00+的?(?:百分之几|百分比|比例|比重|多大比例|几成|多少(?!钱|元|万|亿|个|件|单))|百分之几|占比|份额|比重|占多少|所占比例|(?:多少|多大)?比例|百分比|占(?:全公司|公司|整体|全部|总体|全国)?的?(?:比例|百分比|多大比例)|占总|贡献度|贡献占比|构成|\bshares?\b|\bpercentages?\b"
                   r"|\bproportions?\b|% of (?:the )?total|\bpercent of (?:the )?total\b|\bmix\b|\bbreakdown\b")
YOY = re.compile(r"(?:比|较|和|跟|与|相比|对比)去年同期(?:比|相比)?|同比增长率|同比增长|同比增速|同比变化|同比|比去年|较去年|跟去年比|和去年比|与去年相比|相比去年|对比去年"
                 r"|\byoy\b|\by/y\b|\byear[\s-]*(?:over|on)[\s-]*year\b|\bvs\.? last year\b"
                 r"|\bcompared (?:to|with) last year\b|\bversus last year\b|\bthan (?:last|the previous|the prior) year\b")
POP_MONTH = re.compile(r"(?:比|较|和|跟|与)(?:前一个月|前一月|前个月|上一个月|上一月)(?:比|相比)?|比上月|较上月|比上个月|较上个月|跟上个月比|和上个月比|与上月相比|\b(?:than|vs\.?|versus) last month\b|\bmom\b|\bm/m\b|\bmonth[\s-]*(?:over|on)[\s-]*month\b")
POP_QUARTER = re.compile(r"比上季度|较上季度|比上个季度|较上个季度|跟上个季度比|\b(?:than|vs\.?|versus) last quarter\b|\bqoq\b|\bq/q\b|\bquarter[\s-]*(?:over|on)[\s-]*quarter\b")
POP_WEEK = re.compile(r"\bwow\b|\bweek[\s-]*(?:over|on)[\s-]*week\b")
POP = re.compile(r"环比增长率|环比增长|环比增速|环比变化|环比|\bvs\.? (?:the )?(?:previous|prior|last) period\b"
                 r"|\bperiod[\s-]*over[\s-]*period\b|\bsequential(?:ly)?\b")
# 哪些客户销售额下降了 / which customers' sales declined: a filter on the change (having yoy < 0), not a ranking
# 比去年多了多少钱 / how much more than last year: the difference itself (yoy_value, pop_value), not a rate
DIFF = re.compile(r"(?:多|少|差|高|低|大|小)了?多少(?:钱|元|块|万|件|个|单|台|套|项)?|多出了?多少|\bhow much (?:more|less|higher|lower)\b"
                  r"|\bby how much\b|\babsolute (?:change|difference)\b")
DECLINED = re.compile(r"(?:下降|下滑|减少|下跌|萎缩|降低|变少|少|降|跌)了|(?:下降|下滑|减少|下跌|萎缩|降低|变少)(?=的)|负增长|\b(?:declined|dropped|fell|decreased|shrank)\b"
                      r"|\bwent down\b")
ROSE = re.compile(r"(?:增长|上升|提升|上涨|增加|提高|变多|多|涨)了|(?:增长|上升|提升|上涨|增加|提高|变多)(?=的)|正增长|\b(?:grew|increased|rose)\b|\bwent up\b")
GROWTH = re.compile(r"增长率|增长|增速|增幅|涨幅|变化率|下降|下滑|\bgrowth(?: rate)?\b|\bgrow(?:n|ing)?\b"
                    r"|\bincrease\b|\bchange\b|\bdecline\b")
CUMUL = re.compile(r"累计|累积|累加|\bcumulative(?:ly)?\b|\brunning total\b|\bcumulated\b")
TOTAL = re.compile(r"一共|总共|合计|总计|总和|汇总|整体|总体|全公司|全部|所有|总的|总|\btotal\b|\boverall\b"
                   r"|\baltogether\b|\bin total\b|\bsum\b|\ball\b")
COUNT = re.compile(r"多少个|多少家|多少位|多少款|多少|几个|几家|几位|几款|几条|数量|个数|\bhow many\b|\bnumber of\b"
                   r"|\bcount(?: of)?\b")
# 客户最多的省 / the most customers: without a metric, a superlative on a thing counts it
MOST_FEWEST = re.compile(r"最多|最少|\bthe most\b|\bthe fewest\b|\bmost\b|\bfewest\b")
LISTING = re.compile(r"有哪些|哪些|列出|列表|清单|明细|\blist\b|\bwhat are the\b|\bshow all\b")
NUM_UNIT = re.compile(rf"{N}\s*(?:个|家|名|位|款|条|种|项)(?!月)")
COMPARE = re.compile(r"对比|比较|分别|各自|\bvs\.?\b|\bversus\b|\bcompare[sd]?\b|\brespectively\b|\beach\b")
GROUP = re.compile(r"按照|按|各个|各种|各类|各|每个|每一个|每家|每种|每类|每|不同的?|分(?!布|析)|拆分|\bby\b|\bper\b|\bfor each\b|\bacross\b"
                   r"|\bbroken down by\b|\bsplit by\b")
NEG = re.compile(r"除了|除去|除开|刨去|刨除|刨掉|除|不含|不包含|不包括|不算|排除|剔除|去掉|去除|扣除|不要|不看|非|不是|以外|之外"
                 r"|\bexcluding\b|\bexclude[sd]?\b|\bexcept(?: for)?\b|\boutside(?: of)?\b|\bother than\b|\bwithout\b|\bnot\b"
                 r"|\bminus\b|\bapart from\b|\bbesides\b|\bnon[- ]")
# 多卖了多少钱 / 少了多少单: the difference, read before the metric word after it (卖了多少钱, 多少单)
EARLY_DIFF = re.compile(r"(?:多|少)(?=(?:卖|赚|花|买|接|产|出|采购|生产|发|签|投)(?:出|掉)?了?(?:多少|几))"
                        r"|(?:多|少|差)了?(?=多少|几)")
# 下降的产品 / 增长的客户: a change used as an adjective on the thing asked for (a filter on the change)
CHANGE_ADJ = re.compile(r"(?:下降|下滑|减少|下跌|萎缩|降低|变少|增长|上升|提升|上涨|增加|提高|变多)")
# 哪个卖得多 / 哪个更高: "which … more/higher" without 最 — the top one (or the bottom one for 少/低)
WHICH_MORE = re.compile(r"(?:更|比较|要)?(?:多|高|大|好|快)(?:一些|一点|些|点)?\s*[?？呢啊吗]*\s*$")
WHICH_LESS = re.compile(r"(?:更|比较|要)?(?:少|低|小|差|慢)(?:一些|一点|些|点)?\s*[?？呢啊吗]*\s*$")
# 谁 / who: the person field the metric reaches (销售代表, 商机负责人)
WHO = re.compile(r"谁|\bwho\b")
# 仓库里 / 库存里: a container word, not a breakdown
INSIDE = re.compile(r"(?:里面|里头|里)")
# 新增了多少客户 / how many new customers: count the new ones
NEW = re.compile(r"新增|新开|新签|\bnew\b")
# a negation verb after the value: 把电商去掉 / 电商不算
POST_NEG = ("以外", "之外", "去掉", "去除", "剔除", "排除", "除外", "不算", "不要", "不看")
# A 占 B 的比例 / A as a percentage of B / A 除以 B → the model's ratio metric A / B
RATIO_STRONG = re.compile(r"^\s*(?:占|除以|达到了?|达成了?|完成了?|/|÷|as (?:a )?(?:percentage|percent|share|proportion|fraction|%) of"
                          r"|as % of|divided by|relative to)\s*$")
RATIO_WEAK = re.compile(r"^\s*(?:与|和|对|跟|to|over|vs\.?|versus)\s*$")
RATIO_AFTER = re.compile(r"^\s*(?:的)?\s*(?:(?:多少|多大)?比例|比重|比率|比值|之比|百分之几|百分之多少|百分比|占比|几成|\bratio\b|多少)")
# B 里 A 占多少 / what fraction of B is A: the same ratio, the denominator named first
RATIO_REVERSED = re.compile(r"^\s*(?:里面?|中|当中|之中|\bis\b|\bare\b|\bwas\b|\bgoes to\b|\bcomes from\b)\s*(?:的)?\s*$")
RATIO_AFTER_REVERSED = re.compile(r"^\s*(?:占了?|是)\s*(?:(?:多少|多大)?比例|比重|百分之几|百分比|几成|多少)|" + RATIO_AFTER.pattern[1:])
RATIO_OF = re.compile(r"(?:\bfraction|\bshare|\bpercentage|\bproportion|\bpercent)\s+of\s*(?:the\s+|our\s+)?$")
# evaluative superlatives (最差/最好/worst/best) read the other way round for lower-is-better metrics
EVALUATIVE = re.compile(r"最差|最好|差|\bworst\b|\bbest\b")

CONJ = re.compile(r"^\s*(?:和|与|及|以及|、|,|，|或|或者|跟|还有|/|&|\band\b|\bor\b|\bnor\b)?\s*(?:的)?\s*$")

# Follow-ups
FOLLOW = re.compile(r"^(?:再|那|那么|换成|换为|改成|改为|改看|只看|仅看|只要|只显示|加上|增加|去掉|不看|如果|同样|也|然后"
                    r"|\bnow\b|\binstead\b|\bwhat about\b|\bhow about\b|\band\b|\bonly\b|\bjust\b|\bswitch\b"
                    r"|\bchange\b|\balso\b|\bsame\b|\bthen\b|\bsplit\b|\bbreak\b|\bdrill\b)|呢[?？]?$|\binstead\b")
ADD = re.compile(r"加上|再加|增加|同时看|也看|还有|以及|\balso\b|\badd\b|\bplus\b|\balong with\b|\btogether with\b"
                 r"|拆分|细分|下钻|\bdrill\b|\bbreak (?:it )?down\b|\bsplit\b")
REPLACE = re.compile(r"换成|换为|改成|改为|改看|换|\binstead\b|\bswitch(?:ed)? to\b|\bchange(?:d)? to\b|\breplace\b")

STOP = set("""的 了 吗 呢 吧 啊 呀 是 有 在 和 与 及 以及 或 或者 还有 跟 同 把 被 给 给我 我 我们 我们的 我司 公司 咱们 请 帮 帮我
一下 下 看 看看 看一下 看下 查 查询 查一下 查看 显示 展示 列出 统计 分析 情况 数据 多少 是多少 有多少 几 什么 怎么样 如何 怎样
各 按 按照 每 每个 分 各个 个 家 名 位 中 里 里面 上 内 时 期间 的话 这 那 这个 那个 其中 都 又 再 也 就 还 要 想 想看 想知道
知道 告诉 出 出来 多 少 哪 哪些 哪个 哪家 元 万 亿 块 谁 做 做的 呈现 来 去 到 从 从哪 分布 怎么 如何 变化 表现 水平 对应 相应
对比 比较 分别 各自 结果 一共 总共 合计 排 前 后 名次 金额 额 量 数 率 值 个数 一个 共 达到 达 整个 期 期间内 截止 截至 目前 现在
当前 为止 以来 算 计算 同时 只 仅 光 单 单独 其他 之 所 所有 全部 全 总 最 最近 近 近期 呢 嘛 么 吗 吧 年 月 日 天 周 季 度 份 是否
哦 嗯 好 能 能否 可以 可否 一 下面 以下 以上 之间 相比 对 于 为 中的 当中 里的 上的 下的 范围 哪里 多大 多高 占 比 占到 情况下
what whats what's is are was were the a an of for in on by per to from with show me give list tell how much many did do does
our we us i my each all and or which who where when compare compared vs versus breakdown break down split across during
between please can could you see get display chart graph value values data have has had been be it its that this these those
there than at as so up out about over under into within both only just now then also same instead what's let lets let's
view look see trend trends report total overall sum number count top bottom rank ranking ranked
分布 分析 那边 这边 咋 咋样 咋样了 其他 其它 其余 别的 贡献 贡献了 全年 两 三 四 五 六 七 八 九 十 条 台 件 款 项 种 类 笔 投 投了 花 花了
钱 块钱 多少钱 一下 拆 拆一下 分一下 看一下 一个 了解 高不高 低不低 好不好 怎么 样 现在 目前 那些 这些 是哪个 哪几个 几个
新增 新开 新签 new come comes came go goes went work works look looks like does doing done did on i.e e.g
得 地 压 压了 压着 占用 占用了 拿到 拿到了 拿了 获得 获得了 已经 已 不同 每种 各种 各类 每类 分别是 目前为止 到底 大概 大约
手上 手里 手头 现有 还有多少 一共有 总共有 多不多 怎么样了 如何了 哪几个 哪几家 都是 分别占""".split())
# Single characters too common to be the wrong one in a typo (see Lexicon.correct).
STOP_CHARS = set("的了吗呢吧啊是有在和与及或把被给我请看查多少几个各按每分前后最")

# ── words that never change what is asked (docs/ask-clarify.md) ────────────────────────────────
# Filler: politeness, requests, particles, hedges and follow-up command verbs. They are never reported as
# unknown and never make the parser ask back (FILLER_RE is removed from a leftover chunk before it is split).
FILLER_RE = re.compile(
    r"请问一下|请问|请帮我|请帮忙|麻烦你?|劳驾|帮我(?:看看|看一下|看下|查查|查一下|查下|查|算一下|算算|找一下|拉一下|统计一下)?"
    r"|帮忙(?:看看|查一下|查下)?|我想(?:要|看|知道|了解|问问?)?|想问一下|想问问?|能不能|能否|可不可以|可以吗|好吗|行吗|好不好呀?"
    r"|查一下|查一查|查下|查查|看一下|看下|瞧一下|统计一下|谢谢(?:你|您)?|多谢|辛苦了?|拜托了?|就行了?|就好了?|即可|一下子?|看一眼|瞧瞧|给我看看|给我"
    r"|\bplease\b|\bkindly\b|\bthanks?(?: you)?\b|\bshow me\b|\btell me\b|\bgive me\b|\blet me (?:see|know)\b"
    r"|\bcan you\b|\bcould you\b|\bwould you\b|\bi(?:'d| would) like to (?:know|see)\b|\bi want to (?:know|see)\b"
    r"|\bi need\b|\bquickly\b|\bjust\b")
FILLER = set("""请 请问 麻烦 帮 帮我 帮忙 劳驾 看看 瞧瞧 一下 下子 呗 哈 哇 嘛 呐 喔 噢 哦 嗯 啦 咯 呀 啊 呢 吧 吗 么
谢谢 多谢 辛苦 拜托 就行 就好 即可 好吗 行吗 可以吗 一眼 我查 我看 想 想要 需要 麻烦你 拆开 拆分开 保留 留下 加个 加一个
用 改用 换个 外 以外 之外 底 末 初 部分 方面 这块 那块 这边 那边 啥 什么样 咋 咋样 怎么样 如何
please kindly thanks thank just quickly really actually basically maybe use using keep show give tell me let see
i'd like want need know""".split())
# Neutral words: the measured action itself (接单, 拿专利, file patents, bought), evaluative adjectives a
# yes/no or ranking reads (高吗, 高还是低, big), and generic words for "the figure" (ratio, 情况, fiscal): they
# never narrow which rows are measured, so they are not qualifiers (not reported, no question back).
NEUTRAL = set("""排列 排一排 排好 接 接的 接了 拿 拿了 拿到 下 下过 下了 做 做了 搞 弄 产生 发生 实际 来料 出 谈 在谈 正在谈 跟进 持有 手头
高 低 好 差 大 小 快 慢 高吗 低吗 高不高 低不低 高还是低 低还是高 多还是少 好还是差 怎么 整体上 一个月一个月 逐月 每一年
ratio figure figures number numbers amount level levels value values metric metrics kpi fiscal date including included
production overall current currently holding hold held have got get make made do did done bought buy buying sold sell
selling sign signed file filed run running big high low good bad how is are doing looking still 开 开了 开过 货
导致 造成 引起 带来 但 但是 可是 而且 并且""".split())
# Glue between a qualifier and the thing it qualifies (新建档的客户, 赢了多少单, customers were onboarded).
GLUE = set("""的 了 过 地 着 得 有 是 在 都 又 被 给 让 共 一共 总共 里 里面 中 当中 之中 多少 几 几个 多少个 个 家 位 名 单 笔 件 项 次 台 种 款 条 张
did do does we us our the a an of were was is are been be have has had how many much""".split())
# A count asked with a counting word (多少个, 几家, how many): answered by a count, never by an amount.
COUNT_THINGS = re.compile(r"(?:多少|几)(?:个|家|位|款|条|项|件|笔|张|台|名|次|批|单)|有几|\bhow many\b|\bnumber of\b")
# An explicit sort direction wins over superlative words inside it ("from highest to lowest" is descending).
ORDER_DESC = re.compile(r"从高到低|由高到低|从大到小|由大到小|从多到少|由多到少|降序|倒序|\bfrom (?:the )?(?:highest|largest|biggest|most)"
                        r"(?: \w+)? to (?:the )?(?:lowest|smallest|least|fewest)\b|\b(?:high|large|big)(?:est)? to (?:low|small)(?:est)?\b"
                        r"|\b(?:highest|largest|biggest) first\b|\bdescending\b|\bin descending order\b")
ORDER_ASC = re.compile(r"从低到高|由低到高|从小到大|由小到大|从少到多|由少到多|升序|正序|\bfrom (?:the )?(?:lowest|smallest|least|fewest)"
                       r"(?: \w+)? to (?:the )?(?:highest|largest|biggest|most)\b|\b(?:low|small)(?:est)? to (?:high|large|big)(?:est)?\b"
                       r"|\b(?:lowest|smallest|least) first\b|\bascending\b|\bin ascending order\b")
