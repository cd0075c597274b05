#!/usr/bin/env python3
"""Writes the Gansu spot-check demo data under config/gansu/ (deterministic).

units.csv     the province, its 14 prefectures and Lanzhou New Area, the 42
              county-level units the 2024 plan samples, and the four
              third-party agencies (groups 1-4 of the notice's attachment);
contacts.csv  the provincial office, each prefecture's office and task force,
              each county's task force and head, each agency's project lead
              (synthetic names and 139… numbers);
register-2024.csv
              a synthetic hazard-house register: 30 hazard houses in every
              sampled unit over 4 towns (fewer commercial ones in a few, to
              show the shortfall notes), plus some houses without hazards.

Run from the repository root: python3 scripts/gen-gansu-demo.py
"""
import csv
import hashlib

CITIES = [
    ("6201", "兰州市", "lanzhou"), ("6202", "嘉峪关市", "jiayuguan"), ("6203", "金昌市", "jinchang"),
    ("6204", "白银市", "baiyin"), ("6205", "天水市", "tianshui"), ("6206", "武威市", "wuwei"),
    ("6207", "张掖市", "zhangye"), ("6208", "平凉市", "pingliang"), ("6209", "酒泉市", "jiuquan"),
    ("6210", "庆阳市", "qingyang"), ("6211", "定西市", "dingxi"), ("6212", "陇南市", "longnan"),
    ("6229", "临夏回族自治州", "linxia"), ("6230", "甘南藏族自治州", "gannan"),
]
COUNTIES = [
    ("620102", "城关区"), ("620111", "红古区"), ("620121", "永登县"), ("620105", "安宁区"),
    ("620104", "西固区"), ("620402", "白银区"), ("620421", "靖远县"), ("620422", "会宁县"),
    ("620502", "秦州区"), ("620522", "秦安县"), ("620523", "甘谷县"), ("621002", "西峰区"),
    ("621026", "宁县"), ("621027", "镇原县"), ("620802", "崆峒区"), ("620821", "泾川县"),
    ("620823", "崇信县"), ("621202", "武都区"), ("621222", "文县"), ("621225", "西和县"),
    ("620902", "肃州区"), ("620981", "玉门市"), ("620922", "瓜州县"), ("620702", "甘州区"),
    ("620724", "高台县"), ("620722", "民乐县"), ("620302", "金川区"), ("620321", "永昌县"),
    ("621102", "安定区"), ("621126", "岷县"), ("621123", "渭源县"), ("620602", "凉州区"),
    ("620621", "民勤县"), ("620623", "天祝藏族自治县"), ("622901", "临夏市"), ("622923", "永靖县"),
    ("622925", "和政县"), ("623001", "合作市"), ("623021", "临潭县"), ("623027", "夏河县"),
    # A state-level new area with a county-level code (620171), sampled as
    # a whole; filed under 兰州市, whose code it carries.
    ("620171", "兰州新区"),
]
AGENCIES = [
    ("agency-lzys", "兰州有色冶金设计研究院有限公司"),
    ("agency-gscxgh", "甘肃省城乡规划设计研究院有限公司"),
    ("agency-gsjzsj", "甘肃省建筑设计研究院有限公司"),
    ("agency-lzcj", "兰州城市建设设计研究院有限公司"),
]
# Sampled as a whole (no counties): Jiayuguan.
WHOLE = [("620200", "嘉峪关市")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强红梅晓东海燕国平丽华军伟敏静磊洋勇艳杰娟涛明超秀英霞平刚桂英"

def city_of(code):
    return code[:4]

def person(i):
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3 + 1) % len(GIVEN)]

def main():
    city_id = {code: "gs-" + slug for code, name, slug in CITIES}
    with open("config/gansu/units.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "level", "parent_id", "division_code", "attached_level"])
        w.writerow(["gansu", "甘肃省", "province", "", "62", ""])
        for code, name, slug in CITIES:
            w.writerow([city_id[code], name, "city", "gansu", code, ""])
        for code, name in COUNTIES:
            w.writerow(["gs-" + code, name, "county", city_id[city_of(code)], code, ""])
        for aid, name in AGENCIES:
            w.writerow([aid, name, "agency", "gansu", "", "province"])
    n = 0
    def mobile():
        nonlocal n
        n += 1
        return "139%08d" % (31000000 + n)
    with open("config/gansu/contacts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "unit_id", "role", "name", "mobile", "channels", "feishu_open_id", "quiet_hours"])
        w.writerow(["gansu-office", "gansu", "office", person(0), mobile(), "sms", "", "21:00-08:00"])
        for i, (code, name, slug) in enumerate(CITIES):
            u = city_id[code]
            w.writerow([u + "-office", u, "office", person(10 + i), mobile(), "sms", "", "21:00-08:00"])
            w.writerow([u + "-task-force", u, "task_force", person(40 + i), mobile(), "sms", "", "21:00-08:00"])
        for i, (code, name) in enumerate(COUNTIES):
            u = "gs-" + code
            w.writerow([u + "-task-force", u, "task_force", person(70 + i), mobile(), "sms", "", "21:00-08:00"])
            w.writerow([u + "-head", u, "head", person(120 + i), mobile(), "sms", "", "21:00-08:00"])
        for i, (aid, name) in enumerate(AGENCIES):
            w.writerow([aid + "-lead", aid, "project_lead", person(170 + i), mobile(), "sms", "", "21:00-08:00"])
    # The register: 30 hazard houses per sampled unit over 4 towns, 18
    # commercial (8 in 崇信县 and 文县, to show the shortfall), and 5 houses
    # without hazards that are never drawn.
    towns = ["城关镇", "东关街道", "南川乡", "北山镇"]
    with open("config/gansu/register-2024.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["房屋编号", "区划代码", "乡镇（街道）", "是否经营性", "隐患等级"])
        for code, name in COUNTIES + WHOLE:
            commercial = 8 if name in ("崇信县", "文县") else 18
            for i in range(35):
                hid = "GS-%s-%03d" % (code, i + 1)
                # A stable but unordered-looking town assignment.
                t = int(hashlib.sha256(hid.encode()).hexdigest(), 16) % 4
                hazard = "无" if i >= 30 else ("严重" if i % 5 == 0 else "一般")
                w.writerow([hid, code + "%06d" % (101000 + t), name + towns[t],
                            "是" if i < commercial else "否", hazard])

if __name__ == "__main__":
    main()
