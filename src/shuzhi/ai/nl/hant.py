"""Traditional → simplified Chinese for questions typed in 繁體 (銷售額 → 销售额, 華東區 → 华东区).

A character table of the traditional forms that occur in business questions (metrics, places, people,
products, units, function words); characters that are the same in both scripts need no entry. Applied
character by character in `normalize`, so a question and the vocabulary meet in simplified form.
"""

from __future__ import annotations

_TRAD = (
    "銷額營華東區產線庫戶數廠訂單專們個幾這說説讓嗎麼與為發開關長門問題時間後來過還進實現對應當從會體點處風險場電動機車導軌絲"
    "槓傳減醫療設備牀儲閥顧業費財務報總計劃達質檢驗類裝異採購國內經網統佈縣鎮臺灣廣寧遼龍蘇貴雲陝肅週轉環趨勢變請詢顯圖條項種"
    "樣裡誰據碼價結餘賬帳見視規歲歷曆層級領階談贏輸標準確認負責員貨運倉團隊績態稱證權術較頭盡紅綠漲虧損淨潤筆幣億萬兩齊壓鏈號"
    "屬並僅衹隻幹鐘鋼鐵礦鑄鍛軸腦織紡藥氣輛滾測驅編積極歐亞韓義馬薩蘭創約盤給幫佔將歸臨錢買賣貿雜補償舊聯繫係節戰參優勝敗擴張"
    "縮慮況簡詳細審駁獲護維養廢盧劉陳楊黃趙吳孫鄭馮蔣蕭謝韋賀羅龔鄧譚許範葉閻嚴顏鍾莊壽濟鄉瀋漢廈紹溫嶺巖鹽鏡燈熱輕彈針鋁銅錫"
    "鎂鈦鋰鈷銀礎築遠遲邊選適遞遷違鄰陽陰隨雙雖難離靈韻響頁順須預頻飛飯館髮鬥鳥麥黨齒龜畫疊瘋癢盜監硃礙禮禍稅穩窮競簽籌紀純紙"
    "終組絕綜緊練繼續罰職聲聽膽興舉藝蓋薦藍蘋蟲衛衝製複覺覽親觀訊記診試詩話該誤課調論諾謀講識議讀貝貧販貸貼資賠賺賽趕躍軍載辦"
    "農連遊郵釋鋪錯鍵閉閒陸際雞頂飲驚魚鮮鹼麵齡"
)
_SIMP = (
    "销额营华东区产线库户数厂订单专们个几这说说让吗么与为发开关长门问题时间后来过还进实现对应当从会体点处风险场电动机车导轨丝"
    "杠传减医疗设备床储阀顾业费财务报总计划达质检验类装异采购国内经网统布县镇台湾广宁辽龙苏贵云陕肃周转环趋势变请询显图条项种"
    "样里谁据码价结余账帐见视规岁历历层级领阶谈赢输标准确认负责员货运仓团队绩态称证权术较头尽红绿涨亏损净润笔币亿万两齐压链号"
    "属并仅只只干钟钢铁矿铸锻轴脑织纺药气辆滚测驱编积极欧亚韩义马萨兰创约盘给帮占将归临钱买卖贸杂补偿旧联系系节战参优胜败扩张"
    "缩虑况简详细审驳获护维养废卢刘陈杨黄赵吴孙郑冯蒋萧谢韦贺罗龚邓谭许范叶阎严颜钟庄寿济乡沈汉厦绍温岭岩盐镜灯热轻弹针铝铜锡"
    "镁钛锂钴银础筑远迟边选适递迁违邻阳阴随双虽难离灵韵响页顺须预频飞饭馆发斗鸟麦党齿龟画叠疯痒盗监朱碍礼祸税稳穷竞签筹纪纯纸"
    "终组绝综紧练继续罚职声听胆兴举艺盖荐蓝苹虫卫冲制复觉览亲观讯记诊试诗话该误课调论诺谋讲识议读贝贫贩贷贴资赔赚赛赶跃军载办"
    "农连游邮释铺错键闭闲陆际鸡顶饮惊鱼鲜碱面龄"
)

assert len(_TRAD) == len(_SIMP)
T2S = str.maketrans(_TRAD, _SIMP)


def to_simplified(text: str) -> str:
    """Replace every traditional character the table knows by its simplified form."""
    return text.translate(T2S)
