#!/usr/bin/env python3
"""Generate the SYNTHETIC Wenzhou sample network shipped with collabnet.

The organisations, links, technology needs and targets written here are invented.
They are calibrated to the aggregate figures of the Wenzhou Science and Technology
Bureau's 2024 reply 温科提复〔2024〕106号 (68 platforms, 24 co-built with universities
outside the city, 22 new-type R&D institutions of which 11 provincial, 198 leading
enterprises with a co-built R&D centre, 243 cooperating universities and institutes,
344 provincial-or-above projects), and carry deliberate coverage gaps so that the
analyses have something to find.

    python data/generate_sample.py [--out data/sample]

Standard library + numpy only; a fixed seed makes every run byte-identical.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20241106
YEARS = tuple(range(2019, 2025))
DEFAULT_OUT = Path(__file__).resolve().parent / "sample"

# --------------------------------------------------------------------------------------
# Reference data, as `|`-separated text tables (lists inside a cell are `、`-separated)
# --------------------------------------------------------------------------------------


def table_rows(table: str) -> list[list[str]]:
    """The `|`-separated rows of a hand-written table, skipping `#` comment lines."""
    return [
        line.split("|")
        for line in table.strip().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def table_lists(table: str) -> dict[str, list[str]]:
    """A two-column table whose second column is a `、`-separated list, keyed by column one."""
    return {key: cell.split("、") for key, cell in table_rows(table)}


# The "5+5" industries of collabnet/defaults/industries.csv: code|中文|English
INDUSTRY_TABLE = """
electrical|电气|Electrical equipment
footwear|鞋业|Footwear
apparel|服装|Apparel
auto_parts|汽车零部件|Auto and motorcycle parts
pumps_valves|泵阀|Pumps and valves
digital_economy|数字经济|Digital economy
intelligent_equipment|智能装备|Intelligent equipment
life_health|生命健康|Life and health
nev_connected|新能源智能网联汽车|New-energy and connected vehicles
new_materials|新材料|New materials
"""
INDUSTRIES = {code: (zh, en) for code, zh, en in table_rows(INDUSTRY_TABLE)}

# Wenzhou's 12 county-level divisions (县市区).
COUNTY_TEXT = "鹿城区 龙湾区 瓯海区 洞头区 乐清市 瑞安市 龙港市 永嘉县 平阳县 苍南县 文成县 泰顺县"
COUNTIES = tuple(COUNTY_TEXT.split())

# Technical keywords per industry: the capability text of platforms, universities and
# enterprises, and the vocabulary of project titles and 揭榜挂帅 needs.
CAPABILITY_TABLE = """
electrical|智能断路器、低压电器、电力电子、物联网感知、智能电网、配电自动化、电弧故障检测、继电保护、新能源并网、储能变流器、电磁兼容、开关柜数字孪生、智能电表
footwear|鞋材研发、合成革、鞋类三维设计、足型数据库、智能制鞋装备、环保胶黏剂、鞋底发泡材料、功能性皮革、个性化定制、鞋类检测、清洁生产
apparel|服装数字化设计、智能裁剪、功能性面料、纺织新材料、服装柔性制造、时尚设计、虚拟试衣、印染清洁生产、服装供应链数字化、可降解纤维
auto_parts|汽车电子、制动系统、轻量化零部件、精密铸造、汽车传感器、摩托车零部件、热管理系统、NVH分析、汽车线束、齿轮传动、表面处理
pumps_valves|阀门密封、流体仿真、屏蔽泵、超低温阀门、耐腐蚀涂层、智能调节阀、核级阀门、磁力驱动泵、泵阀可靠性试验、高效节能泵、流量控制、铸锻件工艺
digital_economy|工业软件、大数据分析、人工智能算法、区块链、云计算、工业互联网平台、边缘计算、数字孪生、机器视觉、网络安全、集成电路设计、5G应用
intelligent_equipment|工业机器人、数控机床、智能产线、激光加工、增材制造、精密加工、运动控制、智能包装机械、伺服驱动、机器视觉检测、智能传感、柔性制造
life_health|生物医用材料、眼视光、医疗器械、创新药物、中药现代化、体外诊断、再生医学、精准医疗、基因检测、康复辅具、海洋生物医药、营养健康
nev_connected|动力电池管理、电驱动系统、车联网、自动驾驶感知、车载充电机、整车控制器、氢燃料电池、车路协同、高压连接器、热管理
new_materials|高分子材料、纳米材料、复合材料、功能涂层、稀土永磁、新能源材料、生物基材料、石墨烯、特种合金、电子浆料、光电材料、聚氨酯合成革
"""
CAPABILITIES = table_lists(CAPABILITY_TABLE)
CROSS_CUTTING = ["人工智能", "工业互联网", "数字化转型", "绿色低碳", "检验检测", "标准制定"]
GENERAL_ACADEMIC = ["基础研究", "管理科学", "技术经济", "知识产权", "人才培养", "成果转化"]

# Products named in joint-project titles.
PRODUCT_TABLE = """
electrical|智能断路器、塑壳断路器、智能电表、储能变流器、光伏逆变器、中压开关柜、物联网电气终端
footwear|轻量化运动鞋、功能性皮鞋、鞋底发泡材料、智能制鞋生产线、环保鞋用胶黏剂
apparel|功能性面料、西服个性化定制系统、服装柔性生产线、可降解纤维服装、防护服装
auto_parts|线控制动系统、汽车电子控制单元、轻量化铝合金转向节、汽车传感器、摩托车发动机部件、新能源汽车热管理部件
pumps_valves|高效节能屏蔽泵、超低温球阀、核级闸阀、智能调节阀、磁力驱动泵、高压截止阀
digital_economy|工业互联网平台、智能制造执行系统、城市数字孪生平台、数据安全网关、边缘计算终端、视觉检测系统
intelligent_equipment|高速智能包装机、六轴工业机器人、五轴数控机床、激光切割装备、金属增材制造装备、智能仓储物流系统
life_health|角膜塑形镜、人工晶状体、生物可降解支架、体外诊断试剂、中药配方颗粒、康复机器人、宠物功能性食品
nev_connected|动力电池管理系统、电驱动总成、车载充电机、智能网联车载终端、氢燃料电池电堆
new_materials|水性聚氨酯合成革、石墨烯导热膜、稀土永磁材料、生物基可降解材料、高性能电子浆料、特种不锈钢
"""
PRODUCTS = table_lists(PRODUCT_TABLE)
TITLE_TEMPLATES = [
    "{product}关键技术研发",
    "基于{keyword}的{product}研制",
    "{keyword}技术在{product}中的应用研究",
    "面向{product}的{keyword}技术攻关及产业化",
    "高性能{product}开发与示范应用",
    "{keyword}关键共性技术研究",
]

# --------------------------------------------------------------------------------------
# Hand-written platform list: the three named institutes first.
# name|industries|county|level|rd (new-type R&D institution) or -|co-founder or -|founded
# --------------------------------------------------------------------------------------

PLATFORMS = """
# 11 provincial new-type R&D institutions (新型研发机构)
国科温州研究院|life_health;new_materials|龙湾区|provincial|rd|中国科学院大学|2018
浙大温州研究院|intelligent_equipment;digital_economy|瓯海区|provincial|rd|浙江大学|2019
香港理工大学温州技术创新研究院|new_materials;intelligent_equipment|瓯海区|provincial|rd|香港理工大学|2020
浙江工业大学温州科学技术研究院|pumps_valves;intelligent_equipment|龙湾区|provincial|rd|浙江工业大学|2014
华中科技大学温州先进制造技术研究院|intelligent_equipment;electrical|龙湾区|provincial|rd|华中科技大学|2017
西安交通大学温州电气研究院|electrical|乐清市|provincial|rd|西安交通大学|2019
复旦大学温州生物医药研究院|life_health|瓯海区|provincial|rd|复旦大学|2019
电子科技大学温州数字技术研究院|digital_economy|鹿城区|provincial|rd|电子科技大学|2020
温州医科大学眼视光与生物医学工程研究院|life_health|瓯海区|provincial|rd|温州医科大学|2016
温州大学新材料与产业技术研究院|new_materials;electrical|瑞安市|provincial|rd|温州大学|2015
温州市智能电气产业研究院|electrical;digital_economy|乐清市|provincial|rd|-|2021
# 11 municipal new-type R&D institutions
天津大学温州研究院|electrical;new_materials|龙湾区|municipal|rd|天津大学|2020
上海交通大学温州智能装备研究院|intelligent_equipment|瓯海区|municipal|rd|上海交通大学|2021
北京航空航天大学温州数字经济研究院|digital_economy|龙湾区|municipal|rd|北京航空航天大学|2021
浙江理工大学温州时尚服装研究院|apparel|瓯海区|municipal|rd|浙江理工大学|2020
吉林大学温州汽车零部件研究院|auto_parts|瑞安市|municipal|rd|吉林大学|2021
浙江中医药大学温州生命健康研究院|life_health|泰顺县|municipal|rd|浙江中医药大学|2022
中南大学温州新材料研究院|new_materials|龙港市|municipal|rd|中南大学|2022
温州激光与光电子协同创新中心|intelligent_equipment;digital_economy|龙湾区|municipal|rd|温州大学|2013
温州理工学院数字经济研究院|digital_economy|瓯海区|municipal|rd|温州理工学院|2022
温州市生命健康产业研究院|life_health|龙湾区|municipal|rd|-|2022
温州市智能制造研究院|intelligent_equipment|瓯海区|municipal|rd|-|2022
# 46 other high-level platforms
中国计量大学温州研究院|electrical|乐清市|provincial|-|中国计量大学|2018
杭州电子科技大学温州研究院|digital_economy;electrical|龙湾区|provincial|-|杭州电子科技大学|2020
乐清市电气产业创新服务综合体|electrical|乐清市|provincial|-|-|2017
国家智能电气产品质量检验检测中心（乐清）|electrical|乐清市|national|-|-|2008
浙江省低压电器智能化重点实验室|electrical|乐清市|provincial|-|-|2012
温州市电力电子与新能源装备工程技术研究中心|electrical|龙湾区|municipal|-|-|2015
乐清市物联网传感器创新中心|electrical;digital_economy|乐清市|municipal|-|-|2019
苍南县智能仪表创新服务综合体|electrical;digital_economy|苍南县|provincial|-|-|2018
温州市氢能与储能材料研究院|new_materials;electrical|龙湾区|municipal|-|-|2024
哈尔滨工业大学温州智能感知研究院|digital_economy;intelligent_equipment|瓯海区|provincial|-|哈尔滨工业大学|2021
温州市数字经济产业创新服务综合体|digital_economy|鹿城区|provincial|-|-|2018
温州市区块链技术应用研究中心|digital_economy|鹿城区|municipal|-|-|2020
温州工业互联网创新中心|digital_economy;intelligent_equipment|龙湾区|provincial|-|-|2019
温州市软件与信息服务业研究院|digital_economy|鹿城区|municipal|-|-|2022
温州市人工智能创新中心|digital_economy|瓯海区|municipal|-|-|2023
中国药科大学温州医药研究院|life_health|瓯海区|provincial|-|中国药科大学|2020
温州市眼视光产业创新服务综合体|life_health|瓯海区|provincial|-|-|2017
国家眼视光工程技术研究中心|life_health|瓯海区|national|-|温州医科大学|2010
浙江省干细胞与再生医学重点实验室（温州）|life_health|鹿城区|provincial|-|-|2014
温州海洋生物医药研究中心|life_health|洞头区|municipal|-|-|2019
文成县铁皮石斛产业研究院|life_health|文成县|municipal|-|-|2021
平阳县宠物营养与健康研究院|life_health|平阳县|municipal|-|-|2022
温州市医疗器械产业研究院|life_health;intelligent_equipment|龙湾区|municipal|-|-|2024
温州市智能装备产业创新服务综合体|intelligent_equipment|龙湾区|provincial|-|-|2018
浙江省智能包装装备重点实验室|intelligent_equipment|瑞安市|provincial|-|-|2013
国家印刷包装机械产品质量检验检测中心（瑞安）|intelligent_equipment|瑞安市|national|-|-|2009
温州市机器人与智能制造工程技术研究中心|intelligent_equipment|瓯海区|municipal|-|-|2016
温州市增材制造技术研究中心|intelligent_equipment;new_materials|瓯海区|municipal|-|-|2023
南京工业大学温州新材料研究院|new_materials|龙湾区|municipal|-|南京工业大学|2021
温州市合成革新材料研究院|new_materials;footwear|龙湾区|municipal|-|-|2016
龙港市新材料创新服务综合体|new_materials|龙港市|provincial|-|-|2019
浙江省功能高分子材料重点实验室（温州）|new_materials|瑞安市|provincial|-|-|2011
兰州理工大学温州泵阀研究院|pumps_valves|永嘉县|municipal|-|兰州理工大学|2017
永嘉县泵阀产业创新服务综合体|pumps_valves|永嘉县|provincial|-|-|2016
国家泵阀产品质量检验检测中心（温州）|pumps_valves|龙湾区|national|-|-|2010
温州市流体装备工程技术研究中心|pumps_valves;intelligent_equipment|龙湾区|municipal|-|-|2014
浙江省阀门密封技术重点实验室|pumps_valves;new_materials|龙湾区|provincial|-|-|2012
瑞安市汽车零部件创新服务综合体|auto_parts|瑞安市|provincial|-|-|2016
国家汽车零部件产品质量检验检测中心（瑞安）|auto_parts|瑞安市|national|-|-|2011
温州市汽摩配产业研究院|auto_parts;intelligent_equipment|瑞安市|municipal|-|-|2019
温州市汽车电子工程技术研究中心|auto_parts;electrical|瑞安市|municipal|-|-|2017
# the only new-energy & connected-vehicle platform
北京理工大学温州新能源汽车研究院|nev_connected;auto_parts|瑞安市|municipal|-|北京理工大学|2022
陕西科技大学温州鞋革研究院|footwear|鹿城区|municipal|-|陕西科技大学|2018
鹿城区鞋业创新服务综合体|footwear|鹿城区|provincial|-|-|2017
东华大学温州时尚产业研究院|apparel|瓯海区|municipal|-|东华大学|2021
瓯海区时尚智造创新服务综合体|apparel|瓯海区|provincial|-|-|2018
"""

# How strongly each platform attracts partners, on top of the links it already has.
PLATFORM_PROMINENCE = {
    "浙大温州研究院": 12.0,
    "国科温州研究院": 10.0,
    "香港理工大学温州技术创新研究院": 5.0,
}

# One-letter industry codes of the university and institute tables below.
LETTER = {
    "E": "electrical",
    "F": "footwear",
    "A": "apparel",
    "P": "auto_parts",
    "V": "pumps_valves",
    "D": "digital_economy",
    "I": "intelligent_equipment",
    "L": "life_health",
    "N": "nev_connected",
    "M": "new_materials",
}

# Universities: "name|county or location|industry letters" (a county means a Wenzhou org).
UNIVERSITIES = """
温州大学|瓯海区|EMI
温州医科大学|瓯海区|L
温州理工学院|瓯海区|DIE
温州肯恩大学|瓯海区|D
浙江工贸职业技术学院|鹿城区|IF
温州职业技术学院|瓯海区|IE
温州科技职业学院|瓯海区|L
浙江安防职业技术学院|鹿城区|D
温州商学院|龙湾区|
浙江东方职业技术学院|龙湾区|
浙江大学|杭州市|DIL
浙江工业大学|杭州市|VIM
浙江理工大学|杭州市|AM
杭州电子科技大学|杭州市|DE
中国计量大学|杭州市|EV
浙江中医药大学|杭州市|L
浙江科技大学|杭州市|IM
浙江工商大学|杭州市|D
杭州师范大学|杭州市|L
浙江农林大学|杭州市|ML
西湖大学|杭州市|LM
中国美术学院|杭州市|AF
浙江财经大学|杭州市|
浙江水利水电学院|杭州市|V
宁波大学|宁波市|MI
宁波诺丁汉大学|宁波市|D
浙江万里学院|宁波市|D
浙江师范大学|金华市|D
绍兴文理学院|绍兴市|A
嘉兴大学|嘉兴市|A
台州学院|台州市|PV
丽水学院|丽水市|L
浙江海洋大学|舟山市|L
湖州师范学院|湖州市|
清华大学|北京市|DIE
北京大学|北京市|LD
中国科学院大学|北京市|LMD
北京航空航天大学|北京市|DIN
北京理工大学|北京市|NPI
北京科技大学|北京市|MI
北京化工大学|北京市|M
北京工业大学|北京市|IM
北京交通大学|北京市|ED
北京邮电大学|北京市|D
中国农业大学|北京市|L
北京中医药大学|北京市|L
北京服装学院|北京市|A
华北电力大学|北京市|E
复旦大学|上海市|LD
上海交通大学|上海市|IPL
同济大学|上海市|NPI
华东理工大学|上海市|ML
东华大学|上海市|AM
上海大学|上海市|MI
华东师范大学|上海市|D
上海理工大学|上海市|IL
上海中医药大学|上海市|L
上海电力大学|上海市|E
上海工程技术大学|上海市|PA
南京大学|南京市|MD
东南大学|南京市|EDI
南京航空航天大学|南京市|IM
南京理工大学|南京市|IM
河海大学|南京市|EV
南京工业大学|南京市|M
南京邮电大学|南京市|D
中国药科大学|南京市|L
南京医科大学|南京市|L
南京林业大学|南京市|M
苏州大学|苏州市|LAM
江南大学|无锡市|AL
江苏大学|镇江市|VPN
江苏科技大学|镇江市|I
中国矿业大学|徐州市|IE
中国科学技术大学|合肥市|DM
合肥工业大学|合肥市|PNE
华中科技大学|武汉市|IEL
武汉大学|武汉市|DE
武汉理工大学|武汉市|MPN
武汉纺织大学|武汉市|A
中南大学|长沙市|M
湖南大学|长沙市|EPI
西安交通大学|西安市|EVI
西北工业大学|西安市|MI
西安电子科技大学|西安市|D
陕西科技大学|西安市|FM
长安大学|西安市|PN
西安理工大学|西安市|IV
四川大学|成都市|FLM
电子科技大学|成都市|D
西南交通大学|成都市|EI
重庆大学|重庆市|EPN
西南大学|重庆市|L
天津大学|天津市|EMV
南开大学|天津市|LM
河北工业大学|天津市|E
天津工业大学|天津市|AM
天津科技大学|天津市|FL
哈尔滨工业大学|哈尔滨市|DIM
哈尔滨工程大学|哈尔滨市|I
吉林大学|长春市|PNL
大连理工大学|大连市|VMI
东北大学|沈阳市|MD
山东大学|济南市|MLE
中国海洋大学|青岛市|L
青岛大学|青岛市|AL
华南理工大学|广州市|MPD
中山大学|广州市|L
广东工业大学|广州市|I
南方科技大学|深圳市|DM
深圳大学|深圳市|D
厦门大学|厦门市|ML
华侨大学|厦门市|IM
福州大学|福州市|MI
兰州理工大学|兰州市|VM
兰州大学|兰州市|ML
郑州大学|郑州市|ML
南昌大学|南昌市|LM
燕山大学|秦皇岛市|IM
太原理工大学|太原市|M
昆明理工大学|昆明市|M
江西理工大学|赣州市|M
香港理工大学|香港|MIA
香港大学|香港|L
香港科技大学|香港|DM
香港中文大学|香港|LD
香港城市大学|香港|DM
澳门大学|澳门|L
新加坡国立大学|新加坡|DL
南洋理工大学|新加坡|MI
亚琛工业大学|德国|IP
慕尼黑工业大学|德国|IN
德累斯顿工业大学|德国|EM
帝国理工学院|英国|LM
曼彻斯特大学|英国|MA
诺丁汉大学|英国|EI
肯恩大学|美国|D
佐治亚理工学院|美国|ID
普渡大学|美国|IV
东京大学|日本|ML
大阪大学|日本|L
首尔国立大学|韩国|DM
韩国科学技术院|韩国|DN
米兰理工大学|意大利|AF
代尔夫特理工大学|荷兰|I
莫纳什大学|澳大利亚|LM
多伦多大学|加拿大|DL
苏黎世联邦理工学院|瑞士|MI
以色列理工学院|以色列|DL
鲍曼莫斯科国立技术大学|俄罗斯|IV
"""

INSTITUTES = """
中国科学院宁波材料技术与工程研究所|宁波市|MIN
中国科学院上海硅酸盐研究所|上海市|M
中国科学院金属研究所|沈阳市|M
中国科学院化学研究所|北京市|M
中国科学院理化技术研究所|北京市|ML
中国科学院电工研究所|北京市|EN
中国科学院自动化研究所|北京市|DI
中国科学院计算技术研究所|北京市|D
中国科学院微电子研究所|北京市|D
中国科学院半导体研究所|北京市|DE
中国科学院过程工程研究所|北京市|M
中国科学院大连化学物理研究所|大连市|MN
中国科学院上海微系统与信息技术研究所|上海市|D
中国科学院上海药物研究所|上海市|L
中国科学院上海光学精密机械研究所|上海市|I
中国科学院长春光学精密机械与物理研究所|长春市|I
中国科学院沈阳自动化研究所|沈阳市|I
中国科学院合肥物质科学研究院|合肥市|LM
中国科学院深圳先进技术研究院|深圳市|LDI
中国科学院苏州纳米技术与纳米仿生研究所|苏州市|M
中国科学院福建物质结构研究所|福州市|M
中国科学院兰州化学物理研究所|兰州市|M
中国科学院广州能源研究所|广州市|EN
中国科学院青岛生物能源与过程研究所|青岛市|LN
中国科学院生物物理研究所|北京市|L
中国科学院遗传与发育生物学研究所|北京市|L
中国科学院上海营养与健康研究所|上海市|L
中国科学院杭州医学研究所|杭州市|L
中国科学院软件研究所|北京市|D
中国科学院声学研究所|北京市|D
中国科学院力学研究所|北京市|IV
中国科学院工程热物理研究所|北京市|VN
中国电器科学研究院|广州市|E
上海电器科学研究所|上海市|E
机械科学研究总院|北京市|I
合肥通用机械研究院|合肥市|V
中国汽车技术研究中心|天津市|PN
中国汽车工程研究院|重庆市|PN
中国皮革和制鞋工业研究院|北京市|F
中国纺织科学研究院|北京市|A
中国电力科学研究院|北京市|E
中国信息通信研究院|北京市|D
中国电子技术标准化研究院|北京市|D
中国医学科学院药物研究所|北京市|L
中国中医科学院|北京市|L
上海材料研究所|上海市|M
钢铁研究总院|北京市|M
中国建筑材料科学研究总院|北京市|M
中国计量科学研究院|北京市|E
中国特种设备检测研究院|北京市|V
中国标准化研究院|北京市|
中国航发北京航空材料研究院|北京市|M
中国农业科学院|北京市|L
国家纳米科学中心|北京市|M
中国医学科学院生物医学工程研究所|天津市|L
工业和信息化部电子第五研究所|广州市|DE
国家新能源汽车技术创新中心|北京市|N
浙江省农业科学院|杭州市|L
浙江省医学科学院|杭州市|L
浙江省计量科学研究院|杭州市|E
浙江省机电设计研究院|杭州市|IV
浙江省化工研究院|杭州市|M
浙江省特种设备科学研究院|杭州市|V
之江实验室|杭州市|D
浙江省电力科学研究院|杭州市|E
浙江省轻工业品质量检验研究院|杭州市|FA
浙江省纺织测试研究院|杭州市|A
西湖实验室|杭州市|L
良渚实验室|杭州市|L
上海市计量测试技术研究院|上海市|E
江苏省产业技术研究院|南京市|IM
广东省科学院|广州市|MI
深圳清华大学研究院|深圳市|DI
鹏城实验室|深圳市|D
北京石墨烯研究院|北京市|M
温州市工业科学研究院|鹿城区|IM
温州市农业科学研究院|瓯海区|L
温州市质量技术检测科学研究院|鹿城区|EV
温州市特种设备检测科学研究院|龙湾区|V
温州市标准化科学研究院|鹿城区|
温州市海洋与渔业研究所|洞头区|L
乐清市电器产品检测研究院|乐清市|E
瑞安市汽摩配产品检测研究院|瑞安市|P
弗劳恩霍夫生产技术研究所|德国|I
弗劳恩霍夫激光技术研究所|德国|I
新加坡科技研究局|新加坡|DM
韩国电子通信研究院|韩国|D
日本产业技术综合研究所|日本|MI
意大利国家研究委员会|意大利|M
法国国家科学研究中心|法国|ML
荷兰应用科学研究组织|荷兰|I
芬兰国家技术研究中心|芬兰|DM
德国宇航中心|德国|IN
"""

# Hub universities of the network (the bureau's reply names 浙大 and the local 温州大学).
ACADEMIC_PROMINENCE = {
    "浙江大学": 20.0,
    "温州大学": 12.0,
    "温州医科大学": 7.0,
    "中国科学院大学": 5.0,
    "浙江工业大学": 4.0,
    "温州理工学院": 3.0,
    "上海交通大学": 3.0,
    "香港理工大学": 3.0,
    "中国科学院宁波材料技术与工程研究所": 3.0,
}

# Associations, the platform alliance and funds: name|industry or -|county
OTHER_TABLE = """
温州市泵阀行业协会|pumps_valves|龙湾区
温州市电气行业协会|electrical|乐清市
温州市鞋革行业协会|footwear|鹿城区
温州市服装商会|apparel|鹿城区
温州市汽摩配行业协会|auto_parts|瑞安市
温州市数字经济行业协会|digital_economy|鹿城区
温州市生物医药行业协会|life_health|瓯海区
温州市新型研发机构联盟|-|鹿城区
温州市科技创新基金|-|鹿城区
温州瓯江科创天使投资基金|-|龙湾区
"""

# --------------------------------------------------------------------------------------
# Enterprises: industry mix per group, where firms sit, how they are named
# --------------------------------------------------------------------------------------

# Enterprises per primary industry and group: leading with a co-built centre (198 in the
# reply) | leading with no platform partner (concentrated in the thin industries) |
# non-leading technology enterprises (mostly incubated by platforms).
ENTERPRISE_MIX = """
# industry|leading_linked|leading_unlinked|tech
electrical|40|6|14
footwear|10|14|3
apparel|8|12|3
auto_parts|24|8|6
pumps_valves|26|6|6
digital_economy|22|1|28
intelligent_equipment|24|1|20
life_health|20|2|22
nev_connected|6|6|4
new_materials|18|4|14
"""
ENTERPRISE_GROUPS = ("leading_linked", "leading_unlinked", "tech")

# The same organisation entered twice (股份 / full-width bracket / 集团 variants):
# first name|its group|second name|its group|industry|county
DUPLICATE_TABLE = """
浙江恒达阀门股份有限公司|leading_linked|浙江恒达阀门有限公司|tech|pumps_valves|永嘉县
温州华盛电气（集团）有限公司|leading_linked|温州华盛电气(集团)有限公司|leading_unlinked|electrical|乐清市
瑞安市宏力汽车部件集团有限公司|leading_linked|瑞安市宏力汽车部件有限公司|tech|auto_parts|瑞安市
"""
RESERVED_BRANDS = {"恒达", "华盛", "宏力"}

# Where an industry's firms sit (relative weights per county).
COUNTY_SKEW_TABLE = """
electrical|乐清市:70、龙湾区:10、瓯海区:5、鹿城区:5、苍南县:5、永嘉县:5
footwear|鹿城区:45、瓯海区:15、永嘉县:15、龙湾区:10、瑞安市:10、平阳县:5
apparel|瓯海区:40、鹿城区:35、龙湾区:10、瑞安市:10、苍南县:5
auto_parts|瑞安市:70、龙湾区:10、平阳县:10、乐清市:5、瓯海区:5
pumps_valves|龙湾区:45、永嘉县:45、瓯海区:5、乐清市:5
digital_economy|鹿城区:35、龙湾区:30、瓯海区:25、乐清市:5、瑞安市:5
intelligent_equipment|龙湾区:30、瑞安市:25、瓯海区:20、乐清市:15、龙港市:10
life_health|瓯海区:35、龙湾区:20、鹿城区:15、平阳县:10、洞头区:10、泰顺县:5、文成县:5
nev_connected|瑞安市:50、龙湾区:30、乐清市:20
new_materials|龙湾区:30、龙港市:25、瑞安市:20、平阳县:10、苍南县:10、洞头区:5
"""
COUNTY_SKEW = {
    code: {county: int(w) for county, w in (item.split(":") for item in cells)}
    for code, cells in table_lists(COUNTY_SKEW_TABLE).items()
}

# Trade words in enterprise names.
TRADE_WORD_TABLE = """
electrical|电气、电器、开关、电力科技、智能电气、电子
footwear|鞋业、鞋材、皮革、制鞋
apparel|服饰、服装、制衣、时装、纺织
auto_parts|汽车部件、汽摩配件、汽车零部件、机车部件、汽车电子
pumps_valves|阀门、泵业、泵阀、流体设备、管道阀门
digital_economy|信息技术、网络科技、数字科技、软件、数据科技
intelligent_equipment|智能装备、机械、包装机械、自动化设备、机器人、数控科技
life_health|生物医药、医疗器械、药业、生物科技、健康科技
nev_connected|新能源汽车科技、动力科技、智能驾驶科技、电驱科技
new_materials|新材料、化工、高分子材料、合成革、材料科技
"""
TRADE_WORDS = table_lists(TRADE_WORD_TABLE)

# A firm's usual second line of business; also the industries that partner readily.
RELATED_TABLE = """
electrical|digital_economy、nev_connected、new_materials
footwear|new_materials、apparel
apparel|footwear、digital_economy
auto_parts|nev_connected、intelligent_equipment
pumps_valves|intelligent_equipment、new_materials
digital_economy|intelligent_equipment、electrical
intelligent_equipment|digital_economy、auto_parts
life_health|new_materials、digital_economy
nev_connected|auto_parts、electrical
new_materials|electrical、life_health、footwear
"""
RELATED_INDUSTRY = table_lists(RELATED_TABLE)

# Invented brands are two of these characters, as in most Wenzhou company names.
BRAND_CHARS = (
    "华盛宏达恒泰德力新瑞鑫金宇天龙方明远博通信嘉元安永丰誉创联凯海晨光立昌隆兴强润祥中合佳优众"
    "美奥康亚欧威特驰星诚邦科铭豪锦峰汇荣航捷"
)
# Two-character brands of well-known firms (many of them in Wenzhou) and place names:
# never used for invented firms.
REAL_BRAND_TEXT = """
中联、宇通、新奥、华峰、中航、康佳、金龙、信达、安邦、金科、康美、飞跃、中金、瑞立、新华
华润、天正、嘉兴、中科、永嘉、海康、瑞明、超达、立信、华中、华仪、永康、中海、瑞安、德邦
新界、中信、安康、康德、天合、泰康、明星、光明、天安、森马、海信、正泰、恒瑞、永安、中兴
美的、泰安、奥康、宏丰、海航、中天、德力、华泰、海天、华信、康奈、天龙、中通
"""
REAL_BRANDS = set(REAL_BRAND_TEXT.replace("\n", "、").strip("、").split("、"))
# Counties whose firms put the county in their name; firms in districts use 温州.
COUNTY_PREFIX = set(COUNTIES[4:])

# Link years: the network grows; pumps & valves peaked in 2020–2022 and is now declining.
GROWTH = (1.0, 1.25, 1.55, 1.85, 2.25, 2.7)
PUMPS_VALVES_DECLINE = (1.5, 2.0, 2.3, 2.0, 1.0, 0.8)

MAX_CENTRES_PER_PLATFORM = 12
COOPERATION_LINKS = 1000
JOINT_PROJECT_PLAN = (  # (lead side, partner side, links): 344 in all, as in the reply
    ("enterprise", "academic", 100),
    ("platform", "enterprise", 100),
    ("platform", "academic", 50),
    ("enterprise", "enterprise", 36),
    ("platform", "platform", 28),
    ("other", "any", 30),
)

# 揭榜挂帅 key-technology needs: industry|title|description
DEMAND_TABLE = """
electrical|智能断路器电弧故障检测算法|面向住宅配电场景，需研发基于电流波形特征的电弧故障检测算法，降低智能断路器误报率。
electrical|中压开关柜数字孪生运维系统|需构建开关柜温升、局放等状态的物联网感知与数字孪生模型，实现配电自动化设备的预测性维护。
electrical|工商业储能变流器高效拓扑与并网控制|研发适用于工商业储能的储能变流器新型拓扑及新能源并网控制策略，并满足电磁兼容要求。
electrical|低压电器低银触头材料开发|开发低银或无银触头材料，解决低压电器触头耐电弧烧蚀与成本问题，涉及特种合金与电子浆料工艺。
pumps_valves|LNG超低温阀门密封结构设计|LNG工况下超低温阀门易发生外漏，需开展阀门密封结构与材料研究，并通过流体仿真优化阀腔设计。
pumps_valves|高效节能屏蔽泵水力模型优化|需要基于流体仿真的屏蔽泵水力模型优化方法，使高效节能泵整机效率提升3个百分点以上。
pumps_valves|智能调节阀在线诊断技术|研发智能调节阀阀位与泄漏在线诊断技术，结合工业互联网平台实现泵阀可靠性远程监测。
auto_parts|线控制动系统电子助力器研发|研发线控制动系统的电子助力器及控制算法，满足汽车电子功能安全要求。
auto_parts|铝合金轻量化底盘件精密铸造工艺|需突破轻量化零部件一体化压铸与精密铸造工艺，降低气孔缩松缺陷率。
auto_parts|摩托车发动机降噪与NVH优化|需要开展摩托车零部件NVH分析与齿轮传动降噪设计，满足出口排放与噪声法规。
footwear|轻量化高回弹鞋底发泡材料|研发超临界鞋底发泡材料，兼顾轻量化与高回弹，并满足环保胶黏剂粘合要求。
footwear|足型数据驱动的皮鞋个性化定制|基于足型数据库和鞋类三维设计，建立个性化定制快速打样流程，缩短交付周期。
footwear|制鞋成型工序自动化装备|需研发帮面自动喷胶、成型的智能制鞋装备，减少制鞋生产线对熟练工人的依赖。
apparel|服装智能裁剪与排料优化|研发基于人工智能算法的智能裁剪排料系统，提升面料利用率并支持服装数字化设计数据对接。
apparel|调温抗菌功能性面料整理工艺|开发具有调温、抗菌功能的功能性面料整理工艺，兼顾印染清洁生产要求。
apparel|小单快反服装柔性制造系统|建设小单快反的服装柔性制造系统，实现服装供应链数字化与订单实时排产。
digital_economy|多协议工业设备数据采集边缘网关|需研发支持多协议的边缘计算网关，打通工业互联网平台数据采集与设备上云。
digital_economy|电气零部件表面缺陷机器视觉检测|面向电气零部件生产线，研发机器视觉表面缺陷检测算法，替代人工目检。
digital_economy|面向中小企业的云化工业软件|开发面向鞋服、泵阀中小企业的云化工业软件与大数据分析服务，降低数字化转型门槛。
intelligent_equipment|高速智能包装机械多轴伺服控制|研发多轴伺服驱动与运动控制系统，提升智能包装机械运行速度与稳定性。
intelligent_equipment|精密激光焊接工艺与在线检测|研发电池与电气元件的激光加工精密焊接工艺，并配套机器视觉检测。
intelligent_equipment|工业机器人柔性抓取与智能上下料|研发基于智能传感的工业机器人柔性抓取技术，用于智能产线上下料。
life_health|高透氧角膜塑形镜材料研发|研发高透氧角膜塑形镜用生物医用材料，提升眼视光产品佩戴安全性。
life_health|多重病原体体外诊断快速检测试剂|开发多重病原体体外诊断快速检测试剂与配套仪器，满足基层医疗精准医疗需求。
life_health|居家康复辅具智能化|研发结合智能传感与人工智能的康复辅具，用于老年人居家康复训练。
nev_connected|动力电池管理系统SOC高精度估算|研发高精度动力电池管理算法，提升SOC估算精度与电池热管理安全性。
nev_connected|高功率密度车载充电机设计|研发车载充电机与高压连接器的高功率密度设计方案，适配800V整车平台。
new_materials|水性聚氨酯合成革绿色制造工艺|研发无溶剂、水性聚氨酯合成革生产工艺，降低VOCs排放，实现绿色低碳。
new_materials|石墨烯改性导热复合材料|开发石墨烯改性复合材料，用于电子器件与动力电池散热。
new_materials|片式元件用电子浆料国产化|研发用于片式元件的高性能电子浆料，实现进口替代并稳定批次一致性。
"""

TARGETS = [
    (
        "industries_with_rd_institution_share",
        "2025",
        "1.0",
        ">=",
        '"5+5"产业新型研发机构全覆盖',
        'Every "5+5" industry has a new-type R&D institution',
    ),
    (
        "co_built_centres",
        "2025",
        "100",
        ">",
        "共建研发中心超过100家",
        "More than 100 co-built R&D centres",
    ),
    (
        "platform_lead_industries_max",
        "2025",
        "2",
        "<=",
        "每个平台主攻1-2个产业领域",
        "Each platform focuses on 1–2 lead industries",
    ),
]

# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------


@dataclass
class Org:
    id: str
    name: str
    type: str
    industries: list[str]
    county: str = ""
    location: str = ""
    level: str = "none"
    founded: int = 0
    rd_institution: bool = False
    leading: bool = False
    capabilities: list[str] = field(default_factory=list)
    partner_university: str = ""
    prominence: float = 1.0  # extra pull in preferential attachment (not written out)
    group: str = ""  # enterprise group: leading_linked, leading_unlinked, tech

    @property
    def local(self) -> bool:
        return bool(self.county)


class LinkBook:
    """Collects links, refuses duplicates and self-links, and tracks degrees."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.keys: set[tuple[str, str, str, int]] = set()
        self.degree: Counter[str] = Counter()
        self.kind_degree: Counter[tuple[str, str]] = Counter()
        self.per_kind: Counter[str] = Counter()

    def has(self, source: str, target: str, kind: str, year: int) -> bool:
        return (source, target, kind, year) in self.keys

    def add(
        self,
        source: str,
        target: str,
        kind: str,
        year: int,
        weight: int = 1,
        funding: str = "",
        title: str = "",
    ) -> bool:
        key = (source, target, kind, year)
        if source == target or key in self.keys:
            return False
        self.keys.add(key)
        self.rows.append(
            {
                "source": source,
                "target": target,
                "kind": kind,
                "year": str(year),
                "weight": str(weight),
                "funding": funding,
                "title": title,
            }
        )
        self.per_kind[kind] += 1
        for org in (source, target):
            self.degree[org] += 1
            self.kind_degree[(org, kind)] += 1
        return True


def pick(rng: np.random.Generator, items: list, weights) -> object:
    """One item drawn with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def parse_academic(table: str) -> list[tuple[str, str, list[str]]]:
    return [
        (name, place, [LETTER[ch] for ch in letters]) for name, place, letters in table_rows(table)
    ]


def sample_capabilities(
    rng: np.random.Generator, industries: list[str], low: int, high: int, cross_cutting: float = 0.3
) -> list[str]:
    """A few keywords from the org's industries, sometimes one cross-cutting keyword."""
    pool = [kw for code in industries for kw in CAPABILITIES[code]] or list(GENERAL_ACADEMIC)
    pool = list(dict.fromkeys(pool))
    count = min(len(pool), int(rng.integers(low, high + 1)))
    chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=count, replace=False))]
    if rng.random() < cross_cutting:
        chosen.append(CROSS_CUTTING[int(rng.integers(len(CROSS_CUTTING)))])
    return chosen


def link_weight(rng: np.random.Generator) -> int:
    """Mostly 1, heavy-tailed up to 8 (repeated exchanges within a year)."""
    weight = int(rng.zipf(2.4))
    while weight > 8:  # redraw rather than clip, so 8 does not pile up
        weight = int(rng.zipf(2.4))
    return weight


def pick_year(rng: np.random.Generator, earliest: int, pumps_valves: bool) -> int:
    shape = PUMPS_VALVES_DECLINE if pumps_valves else GROWTH
    years = [y for y in YEARS if y >= earliest]
    weights = [shape[YEARS.index(y)] for y in years]
    return int(pick(rng, years, weights))


# --------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------


def build_academics(rng: np.random.Generator) -> list[Org]:
    orgs = []
    for kind, table, prefix, years in (
        ("university", UNIVERSITIES, "U", (1896, 2012)),
        ("institute", INSTITUTES, "I", (1950, 2021)),
    ):
        for number, (name, place, industries) in enumerate(parse_academic(table), start=1):
            local = place in COUNTIES
            orgs.append(
                Org(
                    id=f"{prefix}{number:03d}",
                    name=name,
                    type=kind,
                    industries=industries,
                    county=place if local else "",
                    location="" if local else place,
                    founded=int(rng.integers(years[0], years[1] + 1)),
                    capabilities=sample_capabilities(rng, industries, 3, 6, cross_cutting=0.2),
                    prominence=ACADEMIC_PROMINENCE.get(name, 1.0),
                )
            )
    return orgs


def build_platforms(rng: np.random.Generator, academics_by_name: dict[str, Org]) -> list[Org]:
    platforms = []
    for number, row in enumerate(table_rows(PLATFORMS), start=1):
        name, industries, county, level, rd_flag, partner_name, founded_text = row
        codes = industries.split(";")
        rd = rd_flag == "rd"
        partner = None if partner_name == "-" else partner_name
        founded = int(founded_text)
        prominence = PLATFORM_PROMINENCE.get(name, 1.0)
        if name not in PLATFORM_PROMINENCE:
            prominence += 1.5 * rd + 1.0 * (level == "national") + 0.5 * (level == "provincial")
        if founded >= 2023:  # too young to have many partners yet
            prominence *= 0.5
        platforms.append(
            Org(
                id=f"P{number:03d}",
                name=name,
                type="platform",
                industries=codes,
                county=county,
                level=level,
                founded=founded,
                rd_institution=rd,
                capabilities=sample_capabilities(rng, codes, 4, 6),
                partner_university=academics_by_name[partner].id if partner else "",
                prominence=prominence,
            )
        )
    return platforms


def brand_pool(rng: np.random.Generator) -> list[str]:
    """Shuffled two-character brand names, none of them a well-known real brand."""
    chars = list(dict.fromkeys(BRAND_CHARS))
    brands = [a + b for a in chars for b in chars if a != b]
    brands = [b for b in brands if b not in REAL_BRANDS and b not in RESERVED_BRANDS]
    order = rng.permutation(len(brands))
    return [brands[i] for i in order]


def enterprise_name(
    rng: np.random.Generator, brand: str, industry: str, county: str, leading: bool
) -> str:
    local_prefix = county if county in COUNTY_PREFIX else "温州"  # districts use 温州
    if leading:
        prefix = str(pick(rng, ["浙江", "温州", local_prefix], [45, 30, 25]))
        suffix = str(pick(rng, ["股份有限公司", "集团有限公司", "有限公司"], [55, 20, 25]))
    else:
        prefix = str(pick(rng, ["温州", local_prefix, "浙江"], [50, 40, 10]))
        suffix = str(pick(rng, ["有限公司", "股份有限公司"], [90, 10]))
    trade = TRADE_WORDS[industry][int(rng.integers(len(TRADE_WORDS[industry])))]
    return f"{prefix}{brand}{trade}{suffix}"


def enterprise_industries(rng: np.random.Generator, primary: str) -> list[str]:
    if rng.random() < 0.15:
        related = RELATED_INDUSTRY[primary]
        return [primary, related[int(rng.integers(len(related)))]]
    return [primary]


def build_enterprises(rng: np.random.Generator) -> list[Org]:
    brands = iter(brand_pool(rng))
    drafts: list[Org] = []
    mix = {industry: [int(n) for n in counts] for industry, *counts in table_rows(ENTERPRISE_MIX)}
    for column, group in enumerate(ENTERPRISE_GROUPS):
        leading = group != "tech"
        for industry, counts in mix.items():
            for _ in range(counts[column]):
                county = str(
                    pick(rng, list(COUNTY_SKEW[industry]), list(COUNTY_SKEW[industry].values()))
                )
                founded = int(rng.integers(1985, 2013) if leading else rng.integers(2008, 2021))
                has_capabilities = rng.random() < (0.8 if leading else 0.6)
                industries = enterprise_industries(rng, industry)
                drafts.append(
                    Org(
                        id="",
                        name=enterprise_name(rng, next(brands), industry, county, leading),
                        type="enterprise",
                        industries=industries,
                        county=county,
                        founded=founded,
                        leading=leading,
                        group=group,
                        capabilities=sample_capabilities(rng, industries, 1, 3, 0.15)
                        if has_capabilities
                        else [],
                    )
                )
    drafts = replace_with_duplicates(rng, drafts)
    order = rng.permutation(len(drafts))  # interleave groups so ids reveal nothing
    enterprises = [drafts[i] for i in order]
    for number, org in enumerate(enterprises, start=1):
        org.id = f"E{number:03d}"
    return enterprises


def replace_with_duplicates(rng: np.random.Generator, drafts: list[Org]) -> list[Org]:
    """Swap six generated firms for three same-organisation pairs, keeping group sizes."""
    replaced: set[int] = set()
    for first, first_group, second, second_group, industry, county in table_rows(DUPLICATE_TABLE):
        founded = int(rng.integers(1990, 2008))
        capabilities = sample_capabilities(rng, [industry], 2, 3, 0.0)
        # the second entry is the sloppier one: no capability text
        for name, group, caps in ((first, first_group, capabilities), (second, second_group, [])):
            slot = next(
                i
                for i, org in enumerate(drafts)
                if i not in replaced and org.group == group and org.industries == [industry]
            )
            replaced.add(slot)
            drafts[slot] = Org(
                id="",
                name=name,
                type="enterprise",
                industries=[industry],
                county=county,
                founded=founded,
                leading=group != "tech",
                group=group,
                capabilities=caps,
            )
    return drafts


def build_others(rng: np.random.Generator) -> list[Org]:
    return [
        Org(
            id=f"O{number:03d}",
            name=name,
            type="other",
            industries=[] if industry == "-" else [industry],
            county=county,
            founded=int(rng.integers(1990, 2023)),
        )
        for number, (name, industry, county) in enumerate(table_rows(OTHER_TABLE), start=1)
    ]


# --------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------


class NetworkBuilder:
    def __init__(self, rng: np.random.Generator, orgs: list[Org]) -> None:
        self.rng = rng
        self.by_id = {org.id: org for org in orgs}
        self.platforms = [o for o in orgs if o.type == "platform"]
        self.enterprises = [o for o in orgs if o.type == "enterprise"]
        self.academics = [o for o in orgs if o.type in ("university", "institute")]
        self.others = [o for o in orgs if o.type == "other"]
        self.book = LinkBook()
        self.titles: set[str] = set()

    # -- helpers -----------------------------------------------------------------------

    def earliest_year(self, *ids: str) -> int:
        """A link cannot predate the platforms it joins."""
        founded = [self.by_id[i].founded for i in ids if self.by_id[i].type == "platform"]
        return max([YEARS[0], *founded])

    def touches_pumps_valves(self, *ids: str) -> bool:
        return any("pumps_valves" in self.by_id[i].industries for i in ids)

    def year_for(self, *ids: str) -> int:
        return pick_year(self.rng, self.earliest_year(*ids), self.touches_pumps_valves(*ids))

    @staticmethod
    def industry_match(a: Org, b: Org, mismatch: float, related: float = 0.2) -> float:
        """1 for a shared industry, less for a neighbouring one, little otherwise."""
        if set(a.industries) & set(b.industries):
            return 1.0
        if not a.industries or not b.industries:  # generalists work with anyone
            return 0.3

        def neighbours(org: Org) -> set[str]:
            return {n for code in org.industries for n in RELATED_INDUSTRY[code]}

        if neighbours(a) & set(b.industries) or neighbours(b) & set(a.industries):
            return related
        return mismatch

    def attractiveness(self, org: Org) -> float:
        return self.book.degree[org.id] + 3.0 * org.prominence

    def choose_platform(
        self,
        partner: Org,
        exclude: set[str] = frozenset(),
        mismatch: float = 0.05,
        related: float = 0.2,
        kind: str | None = None,
        capacity: int | None = None,
    ) -> Org | None:
        """A platform for ``partner``: same industry, same county and busy ones preferred.

        With ``kind``, only links of that kind count as "busy" (enterprises look at how many
        centres or start-ups a platform already has, not at its university ties).
        """
        candidates, weights = [], []
        for p in self.platforms:
            if p.id in exclude or p.id == partner.id:
                continue
            busy = self.book.kind_degree[(p.id, kind)] if kind else self.book.degree[p.id]
            if capacity is not None and busy >= capacity:
                continue
            score = self.industry_match(partner, p, mismatch, related) * (busy + 3.0 * p.prominence)
            if partner.county and partner.county == p.county:
                score *= 2.0
            candidates.append(p)
            weights.append(score)
        return pick(self.rng, candidates, weights) if candidates else None

    def choose_academic(self, partner: Org) -> Org:
        weights = [
            self.industry_match(partner, a, 0.02)
            * self.attractiveness(a)
            * (1.5 if a.local else 1.0)
            for a in self.academics
        ]
        return pick(self.rng, self.academics, weights)

    def choose_enterprise(self, pool: list[Org], industry: str | None = None) -> Org:
        weights = []
        for e in pool:
            score = (self.book.degree[e.id] + 1.0) * (2.0 if e.leading else 1.0)
            if industry is not None:
                score *= 1.0 if industry in e.industries else 0.05
            weights.append(score)
        return pick(self.rng, pool, weights)

    def funding(self, median: float, sigma: float, present: float) -> str:
        if self.rng.random() >= present:
            return ""
        return f"{max(1.0, self.rng.lognormal(np.log(median), sigma)):.1f}"

    def project_title(self, industry: str) -> str:
        title = ""
        for _ in range(100):
            template = TITLE_TEMPLATES[int(self.rng.integers(len(TITLE_TEMPLATES)))]
            product = PRODUCTS[industry][int(self.rng.integers(len(PRODUCTS[industry])))]
            keyword = CAPABILITIES[industry][int(self.rng.integers(len(CAPABILITIES[industry])))]
            if keyword[:2] in product:  # "基于边缘计算的边缘计算终端" reads badly
                continue
            title = template.format(product=product, keyword=keyword)
            if title not in self.titles:
                self.titles.add(title)
                return title
        return title

    # -- link kinds --------------------------------------------------------------------

    def add_co_founding(self) -> None:
        for p in self.platforms:
            if p.partner_university:
                self.book.add(p.id, p.partner_university, "co_founding", p.founded)

    def add_co_built_centres(self) -> None:
        leading = [e for e in self.enterprises if e.group == "leading_linked"]
        for i in self.rng.permutation(len(leading)):
            enterprise = leading[int(i)]
            wanted = int(pick(self.rng, [1, 2, 3], [80, 16, 4]))
            chosen: set[str] = set()
            for _ in range(wanted):
                platform = self.choose_platform(
                    enterprise,
                    exclude=chosen,
                    mismatch=0.002,
                    related=0.05,
                    kind="co_built_centre",
                    capacity=MAX_CENTRES_PER_PLATFORM,
                )
                if platform is None:
                    break
                chosen.add(platform.id)
                self.book.add(
                    enterprise.id,
                    platform.id,
                    "co_built_centre",
                    self.year_for(enterprise.id, platform.id),
                    weight=1 if self.rng.random() < 0.9 else 2,
                    funding=self.funding(150.0, 0.8, 0.85),
                )

    def add_incubations(self) -> None:
        tech = [e for e in self.enterprises if e.group == "tech"]
        for i in self.rng.permutation(len(tech)):
            enterprise = tech[int(i)]
            if self.rng.random() >= 0.85:
                continue
            for _ in range(2 if self.rng.random() < 0.06 else 1):
                platform = self.choose_platform(
                    enterprise, mismatch=0.005, related=0.1, kind="incubation"
                )
                year = max(self.year_for(enterprise.id, platform.id), enterprise.founded)
                self.book.add(platform.id, enterprise.id, "incubation", year)

    def add_cooperation(self) -> None:
        # Even the newest platform has signed with one university or institute.
        for platform in self.platforms:
            academic = self.choose_academic(platform)
            self.book.add(
                platform.id,
                academic.id,
                "cooperation",
                self.year_for(platform.id, academic.id),
                weight=link_weight(self.rng),
            )
        # Every one of the 243 universities and institutes cooperates with some platform.
        for i in self.rng.permutation(len(self.academics)):
            academic = self.academics[int(i)]
            platform = self.choose_platform(academic, mismatch=0.05)
            self.book.add(
                platform.id,
                academic.id,
                "cooperation",
                self.year_for(platform.id, academic.id),
                weight=link_weight(self.rng),
            )
        # Co-founders keep cooperating with "their" platform most years.
        for p in self.platforms:
            if not p.partner_university:
                continue
            for year in YEARS:
                if year >= self.earliest_year(p.id) and self.rng.random() < 0.7:
                    self.book.add(
                        p.id,
                        p.partner_university,
                        "cooperation",
                        year,
                        weight=link_weight(self.rng),
                    )
        # The rest by preferential attachment: busy platforms meet busy universities.
        while self.book.per_kind["cooperation"] < COOPERATION_LINKS:
            weights = [
                self.attractiveness(p) * (YEARS[-1] - self.earliest_year(p.id) + 1)
                for p in self.platforms
            ]
            platform = pick(self.rng, self.platforms, weights)
            academic = self.choose_academic(platform)
            self.book.add(
                platform.id,
                academic.id,
                "cooperation",
                self.year_for(platform.id, academic.id),
                weight=link_weight(self.rng),
            )

    def add_joint_project(self, lead: Org, partner: Org, industry: str) -> bool:
        for _ in range(10):
            year = self.year_for(lead.id, partner.id)
            if not self.book.has(lead.id, partner.id, "joint_project", year):
                return self.book.add(
                    lead.id,
                    partner.id,
                    "joint_project",
                    year,
                    weight=link_weight(self.rng),
                    funding=self.funding(24.0, 1.0, 0.9),
                    title=self.project_title(industry),
                )
        return False

    def project_industry(self, org: Org) -> str:
        if org.industries:
            return org.industries[int(self.rng.integers(len(org.industries)))]
        return list(INDUSTRIES)[int(self.rng.integers(len(INDUSTRIES)))]

    def add_joint_projects(self) -> None:
        with_platform_partner = [e for e in self.enterprises if e.group != "leading_unlinked"]
        pending_others = list(self.others)  # each association or fund joins at least one
        for lead_side, partner_side, count in JOINT_PROJECT_PLAN:
            added = 0
            while added < count:
                if lead_side == "enterprise":
                    lead = self.choose_enterprise(self.enterprises)
                elif lead_side == "platform":
                    lead = pick(
                        self.rng, self.platforms, [self.attractiveness(p) for p in self.platforms]
                    )
                else:
                    lead = (
                        pending_others.pop(0)
                        if pending_others
                        else pick(self.rng, self.others, [1.0] * len(self.others))
                    )
                industry = self.project_industry(lead)
                if partner_side == "academic":
                    partner = self.choose_academic(lead)
                elif partner_side == "platform":
                    partner = self.choose_platform(lead, mismatch=0.02)
                elif partner_side == "enterprise":
                    pool = self.enterprises if lead.type == "enterprise" else with_platform_partner
                    partner = self.choose_enterprise([e for e in pool if e.id != lead.id], industry)
                elif self.rng.random() < 0.6:  # an association's or fund's partner
                    partner = self.choose_enterprise(self.enterprises, industry)
                else:
                    partner = self.choose_platform(lead, mismatch=0.02)
                if self.add_joint_project(lead, partner, industry):
                    added += 1

    def build(self) -> list[dict[str, str]]:
        self.add_co_founding()
        self.add_co_built_centres()
        self.add_incubations()
        self.add_cooperation()
        self.add_joint_projects()
        return self.book.rows


# --------------------------------------------------------------------------------------
# Technology needs
# --------------------------------------------------------------------------------------


def build_demands(rng: np.random.Generator, enterprises: list[Org]) -> list[dict[str, str]]:
    used: set[str] = set()
    rows = []
    demands = table_rows(DEMAND_TABLE)
    order = rng.permutation(len(demands))
    for number, index in enumerate(order, start=1):
        industry, title, description = demands[int(index)]
        pool = [
            e for e in enterprises if e.leading and e.industries[0] == industry and e.id not in used
        ]
        enterprise = pool[int(rng.integers(len(pool)))]
        used.add(enterprise.id)
        rows.append(
            {
                "id": f"D{number:02d}",
                "enterprise": enterprise.id,
                "title": title,
                "description": description,
                "industry": industry,
                "year": str(int(rng.integers(2023, 2025))),
            }
        )
    return rows


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

ORG_COLUMNS = [
    "id",
    "name",
    "type",
    "industries",
    "county",
    "level",
    "founded",
    "rd_institution",
    "leading",
    "capabilities",
    "partner_university",
    "location",
]
ACADEMIC = ("university", "institute")
LINK_KINDS = ("co_built_centre", "cooperation", "co_founding", "joint_project", "incubation")
LINK_COLUMNS = ["source", "target", "kind", "year", "weight", "funding", "title"]
DEMAND_COLUMNS = ["id", "enterprise", "title", "description", "industry", "year"]
TARGET_COLUMNS = ["metric", "year", "target", "comparison", "description_zh", "description_en"]
TYPE_ORDER = {
    t: i for i, t in enumerate(("platform", "enterprise", "university", "institute", "other"))
}


def org_row(org: Org) -> dict[str, str]:
    return {
        "id": org.id,
        "name": org.name,
        "type": org.type,
        "industries": ";".join(org.industries),
        "county": org.county,
        "level": org.level,
        "founded": str(org.founded),
        "rd_institution": str(org.rd_institution).lower(),
        "leading": str(org.leading).lower(),
        "capabilities": "、".join(org.capabilities),
        "partner_university": org.partner_university,
        "location": org.location,
    }


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def check_invariants(orgs: list[Org], links: list[dict[str, str]]) -> None:
    """The published counts the sample is calibrated to; fail loudly if a change breaks them."""
    by_id = {o.id: o for o in orgs}
    platforms = [o for o in orgs if o.type == "platform"]
    rd = [p for p in platforms if p.rd_institution]
    partners = [by_id[p.partner_university] for p in platforms if p.partner_university]
    centre_firms = {r["source"] for r in links if r["kind"] == "co_built_centre"}
    checks = {
        "68 platforms": len(platforms) == 68,
        "24 co-built with universities outside Wenzhou": sum(not u.county for u in partners) == 24,
        "22 new-type R&D institutions": len(rd) == 22,
        "11 of them provincial": sum(p.level == "provincial" for p in rd) == 11,
        "243 universities and institutes": len([o for o in orgs if o.type in ACADEMIC]) == 243,
        "198 leading enterprises with a centre": len(centre_firms) == 198,
        "only leading enterprises have centres": all(by_id[e].leading for e in centre_firms),
        "one nev_connected platform": sum("nev_connected" in p.industries for p in platforms) == 1,
        "no footwear R&D institution": not any("footwear" in p.industries for p in rd),
        "344 joint projects": sum(r["kind"] == "joint_project" for r in links) == 344,
        "unique names": len({o.name for o in orgs}) == len(orgs),
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise SystemExit(f"sample no longer matches its calibration: {', '.join(failed)}")


def generate(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    academics = build_academics(rng)
    platforms = build_platforms(rng, {a.name: a for a in academics})
    enterprises = build_enterprises(rng)
    others = build_others(rng)
    orgs = platforms + enterprises + academics + others

    links = NetworkBuilder(rng, orgs).build()
    demands = build_demands(rng, enterprises)
    check_invariants(orgs, links)

    out.mkdir(parents=True, exist_ok=True)
    orgs.sort(key=lambda o: (TYPE_ORDER[o.type], o.id))
    links.sort(key=lambda r: (r["source"], r["target"], r["kind"], int(r["year"])))
    write_csv(out / "organizations.csv", ORG_COLUMNS, [org_row(o) for o in orgs])
    write_csv(out / "links.csv", LINK_COLUMNS, links)
    write_csv(out / "demands.csv", DEMAND_COLUMNS, demands)
    write_csv(
        out / "targets.csv",
        TARGET_COLUMNS,
        [dict(zip(TARGET_COLUMNS, t, strict=True)) for t in TARGETS],
    )
    readme = render_readme(orgs, links, demands)
    (out / "README.md").write_text(readme, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------
# README (rendered from the data so that its figures always match the files)
# --------------------------------------------------------------------------------------

README_TEMPLATE = """\
# Sample data: a SYNTHETIC Wenzhou innovation-platform network

**Everything in this folder is synthetic.** No organisation list, link, year, amount or
project title here comes from the Wenzhou Science and Technology Bureau or any other
source: the underlying lists are not public. The files are generated by

```
python data/generate_sample.py            # writes data/sample/
python data/generate_sample.py --out DIR  # writes elsewhere
```

from a fixed seed (`numpy.random.default_rng({seed})`); two runs give byte-identical
files (UTF-8 without BOM, `\\n` line ends, sorted rows, funding with one decimal).
Do not edit the files by hand: change the generator and run it again.

Universities and research institutes carry the names of real public institutions so
that the network reads naturally, but every tie attributed to them is invented.
Enterprise names are invented (any resemblance to a real company is coincidental);
platform names follow the pattern of the three institutes named by the bureau.

## Calibration

The aggregate counts follow the bureau's reply 温科提复〔2024〕106号 (26 June 2024) to
CPPCC proposal no. 74:

| figure in the reply | reply | sample |
| --- | ---: | ---: |
| high-level platforms (高能级平台) | 68 | {platforms} |
| … co-built with universities outside Wenzhou | 24 | {outside} |
| new-type R&D institutions (新型研发机构), city level or above | 22 | {rd} |
| … of which provincial | 11 | {rd_provincial} |
| leading enterprises with a co-built R&D centre | 198 | {centre_firms} ({centres} centres) |
| universities and institutes cooperating with platforms | 243 | {academics} |
| provincial-or-above research projects | 344 | {projects} joint-project links |
| research funding won (万元) | > 11,000 | {funding:,.1f} on the joint projects |
| technology enterprises incubated | 465 | {incubated} (scaled down) |

The three named institutes are present with their co-founders: 国科温州研究院
(中国科学院大学), 浙大温州研究院 (浙江大学) and 香港理工大学温州技术创新研究院
(香港理工大学). Patents (378), "four-technology" income and researchers are not modelled.

## Files

| file | rows | content |
| --- | ---: | --- |
| `organizations.csv` | {orgs} | {org_mix} |
| `links.csv` | {links} | dated links of five kinds (below) |
| `demands.csv` | {demands} | 揭榜挂帅 technology needs of leading enterprises, 2023–2024 |
| `targets.csv` | {targets} | the bureau's 2025 targets as checkable metrics |

`organizations.csv`: `id, name, type, industries` ("5+5" codes of
`collabnet/defaults/industries.csv`, `;`-separated), `county` (one of Wenzhou's 12
county-level divisions; empty for organisations outside Wenzhou, which have `location`
instead), `level` (`national/provincial/municipal` for platforms, else `none`),
`founded`, `rd_institution` (new-type R&D institution), `leading` (leading/backbone
enterprise), `capabilities` (technical keywords separated by `、`),
`partner_university` (id of the co-founding university), `location`.

`links.csv`: `source, target, kind, year, weight, funding, title`. `weight` counts
exchanges in the year (mostly 1, up to 8); `funding` is in 万元 (co-built centres and
joint projects, sometimes blank); `title` is set for joint projects.

| kind | direction | links |
| --- | --- | ---: |
| `co_built_centre` | enterprise → platform | {kind_co_built_centre} |
| `cooperation` | platform → university/institute | {kind_cooperation} |
| `co_founding` | platform → co-founding university (year founded) | {kind_co_founding} |
| `joint_project` | lead organisation → partner | {kind_joint_project} |
| `incubation` | platform → incubated enterprise | {kind_incubation} |

Links per year (co-founding links carry the platform's founding year):

{year_table}

Every university and institute has at least one cooperation link; no link joins an
organisation to itself, no (source, target, kind, year) repeats, and no link predates a
platform it involves.

## Imbalances built in on purpose

These are the gaps the analyses (and the tests) should find:

- **R&D-institution coverage is incomplete**: {gaps} have no new-type R&D
  institution, so the 2025 target "5+5 全覆盖" stands at {covered}/{industries} = {share:.1f}.
- **Footwear and apparel are thin**: {footwear} and {apparel} platforms, few co-built
  centres, and most of their leading enterprises have no platform partner.
- **New-energy & connected vehicles hang on one platform**: {nev} is the only
  `nev_connected` platform, and it is not a new-type R&D institution.
- **Electrical, digital economy, life & health and intelligent equipment are strong.**
- **Pumps & valves is declining**: medium platform coverage, but fewer new links per
  year in 2023–2024 than in 2020–2022.
- **{unlinked} leading enterprises have no platform link of any kind** (no centre,
  incubation or joint project with a platform), mostly in footwear, apparel, auto parts
  and new-energy vehicles: the natural candidates for new pairings.
- **Hubs**: degrees are heavy-tailed; the named institutes, 浙江大学 and 温州大学 are hubs.

{industry_table}

An organisation with two industries counts in both rows; "links per year" counts links
with at least one end in the industry.

{degree_table}

## Deliberate duplicates

Three organisations are entered twice under two ids, as happens in real bureau
workbooks; a duplicate-name report should pair them (same county and founding year):

{duplicates}

Apart from these, enterprise names are unique even after removing
有限公司/股份有限公司/集团.
"""


def platform_partnered(orgs: list[Org], links: list[dict[str, str]]) -> set[str]:
    """Ids of organisations with at least one link to a platform."""
    by_id = {o.id: o for o in orgs}
    return {
        r[end]
        for r in links
        for end, other in (("source", "target"), ("target", "source"))
        if by_id[r[other]].type == "platform"
    }


def markdown_table(header: list[str], rows: list[list[object]], align: str) -> str:
    """A Markdown table; ``align`` has one letter per column: l (left) or r (right)."""
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [header, rule, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def industry_table(orgs: list[Org], links: list[dict[str, str]]) -> str:
    by_id = {o.id: o for o in orgs}
    partnered = platform_partnered(orgs, links)
    rows: list[list[object]] = []
    for code, (zh, _) in INDUSTRIES.items():
        platforms = {o.id for o in orgs if o.type == "platform" and code in o.industries}
        rd = sum(by_id[p].rd_institution for p in platforms)
        centres = sum(r["kind"] == "co_built_centre" and r["target"] in platforms for r in links)
        leading = [o for o in orgs if o.leading and code in o.industries]
        alone = sum(o.id not in partnered for o in leading)
        per_year = Counter(
            int(r["year"])
            for r in links
            if code in by_id[r["source"]].industries or code in by_id[r["target"]].industries
        )
        early = sum(per_year[y] for y in (2020, 2021, 2022)) / 3
        late = sum(per_year[y] for y in (2023, 2024)) / 2
        rows.append(
            [f"`{code}` {zh}", len(platforms), rd, centres, len(leading), alone,
             f"{early:.1f}", f"{late:.1f}"]
        )  # fmt: skip
    header = [
        "industry", "platforms", "new-type R&D institutions", "co-built centres at them",
        "leading enterprises", "… with no platform link", "links/year 2020–22",
        "links/year 2023–24",
    ]  # fmt: skip
    return markdown_table(header, rows, "lrrrrrrr")


def degree_table(orgs: list[Org], links: list[dict[str, str]], top: int = 10) -> str:
    degree = Counter({o.id: 0 for o in orgs})
    for r in links:
        degree[r["source"]] += 1
        degree[r["target"]] += 1
    by_id = {o.id: o for o in orgs}
    ranked = sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:top]
    values = sorted(degree.values())
    median = (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2
    rows: list[list[object]] = [[i, by_id[i].name, by_id[i].type, d] for i, d in ranked]
    return (
        f"Median degree over all {len(orgs)} organisations: {median:g}. Top {top}:\n\n"
        + markdown_table(["id", "name", "type", "links"], rows, "lllr")
    )


def render_readme(
    orgs: list[Org], links: list[dict[str, str]], demands: list[dict[str, str]]
) -> str:
    by_id = {o.id: o for o in orgs}
    by_name = {o.name: o for o in orgs}
    types = Counter(o.type for o in orgs)
    kinds = Counter(r["kind"] for r in links)
    years = Counter(int(r["year"]) for r in links)
    platforms = [o for o in orgs if o.type == "platform"]
    rd = [p for p in platforms if p.rd_institution]
    centres = [r for r in links if r["kind"] == "co_built_centre"]
    covered = {code for p in rd for code in p.industries}
    gaps = [code for code in INDUSTRIES if code not in covered]
    partnered = platform_partnered(orgs, links)
    nev = next(p for p in platforms if "nev_connected" in p.industries)
    org_mix = (
        f"{types['platform']} platforms (`P…`), {types['enterprise']} enterprises (`E…`), "
        f"{types['university']} universities (`U…`), {types['institute']} institutes (`I…`), "
        f"{types['other']} associations and funds (`O…`)"
    )
    duplicates = "\n".join(
        f"- {by_name[first].id} `{first}` and {by_name[second].id} `{second}`"
        for first, _, second, *_ in table_rows(DUPLICATE_TABLE)
    )
    return README_TEMPLATE.format(
        seed=SEED,
        platforms=len(platforms),
        outside=sum(
            1 for p in platforms if p.partner_university and not by_id[p.partner_university].county
        ),
        rd=len(rd),
        rd_provincial=sum(p.level == "provincial" for p in rd),
        centre_firms=len({r["source"] for r in centres}),
        centres=len(centres),
        academics=f"{types['university'] + types['institute']} ({types['university']} "
        f"universities, {types['institute']} institutes)",
        projects=kinds["joint_project"],
        funding=sum(
            float(r["funding"]) for r in links if r["kind"] == "joint_project" and r["funding"]
        ),
        incubated=len({r["target"] for r in links if r["kind"] == "incubation"}),
        orgs=len(orgs),
        org_mix=org_mix,
        links=len(links),
        demands=len(demands),
        targets=len(TARGETS),
        **{f"kind_{kind}": kinds[kind] for kind in LINK_KINDS},
        year_table=markdown_table(
            [str(y) for y in sorted(years)], [[years[y] for y in sorted(years)]], "r" * len(years)
        ),
        gaps=", ".join(f"`{code}`" for code in gaps),
        covered=len(INDUSTRIES) - len(gaps),
        industries=len(INDUSTRIES),
        share=(len(INDUSTRIES) - len(gaps)) / len(INDUSTRIES),
        footwear=sum("footwear" in p.industries for p in platforms),
        apparel=sum("apparel" in p.industries for p in platforms),
        nev=f"{nev.id} {nev.name}",
        unlinked=sum(o.leading and o.id not in partnered for o in orgs),
        industry_table=industry_table(orgs, links),
        degree_table=degree_table(orgs, links),
        duplicates=duplicates,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder (default: data/sample next to this script)",
    )
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
