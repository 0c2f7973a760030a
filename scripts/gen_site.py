#!/usr/bin/env python3
"""Generates a parkpress site of a given size for benchmarks.

usage: gen_site.py OUT_DIR PARKS TENANTS_PER_PARK [NEWS]

Pages = 2 languages x (PARKS x (1 + TENANTS_PER_PARK) + NEWS + listings). Text is Chinese and
English Markdown with tables and lists, like real park and tenant pages.
"""
import os
import random
import sys

out, parks, tenants = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
news = int(sys.argv[4]) if len(sys.argv) > 4 else max(1, parks)
rng = random.Random(42)
INDUSTRIES = ["food-beverage", "intelligent-manufacturing", "modern-logistics", "new-generation-it", "life-science"]
ZH = "园区位于开发区北部，交通便利，配套完善，重点发展新一代信息技术、智能制造和现代物流产业，提供标准厂房、人才公寓和一站式服务。"
EN = "The park lies in the north of the zone with good transport and services, focusing on new-generation IT, intelligent manufacturing and modern logistics, with standard factories, talent apartments and one-stop services."


def write(path, text):
    path = os.path.join(out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def body(lang, n):
    para = ZH if lang == "zh" else EN
    rows = "\n".join(f"| {'项目' if lang == 'zh' else 'Item'} {i} | {rng.randint(1, 900)} | {rng.random():.2f} |" for i in range(5))
    items = "\n".join(f"- {para[: 20 + i * 5]}" for i in range(4))
    head = "## 园区优势" if lang == "zh" else "## Advantages"
    return f"{para}\n\n{head} {n}\n\n{items}\n\n| A | B | C |\n|---|---|---|\n{rows}\n\n{para}\n"


industries = "\n".join(
    f'[[zone.industries]]\nkey = "{k}"\nname = {{ zh = "产业{i}", en = "Industry {i}" }}\n' for i, k in enumerate(INDUSTRIES)
)
write("content/site.toml", f'''base_url = "https://bench.example.gov.cn"
languages = ["zh", "en"]
title = {{ zh = "基准测试开发区", en = "Benchmark Zone" }}
description = {{ zh = "生成的站点", en = "A generated site" }}

[zone]
name = {{ zh = "基准测试开发区", en = "Benchmark Zone" }}

{industries}
[[zone.metrics]]
label = {{ zh = "新签约合同额", en = "New contract value" }}
value = 265.92
unit = "yi-yuan"
as_of = 2020-04-30
''')
for p in range(parks):
    key = f"park-{p}"
    write(f"content/parks/{key}/park.toml", f'''name = {{ zh = "产业园{p}", en = "Industrial Park {p}" }}
operator = {{ zh = "运营公司{p}", en = "Operator {p}" }}
positioning = {{ zh = "{ZH[:30]}", en = "{EN[:60]}" }}
industries = ["{INDUSTRIES[p % 5]}"]
order = {p}

[[policies]]
key = "rent"
title = {{ zh = "租金补贴", en = "Rent subsidy" }}
category = "rent"
summary = {{ zh = "前三年租金减半", en = "Half rent for three years" }}
valid_until = 2099-12-31

[[factors]]
kind = "electricity"
value = 0.62
unit = {{ zh = "元/千瓦时", en = "yuan/kWh" }}
as_of = 2020-05-01
''')
    write(f"content/parks/{key}/index.md", body("zh", p))
    write(f"content/parks/{key}/index.en.md", body("en", p))
    for t in range(tenants):
        write(f"content/parks/{key}/tenants/tenant-{t}.md", f'''+++
name = {{ zh = "企业{p}-{t}", en = "Company {p}-{t}" }}
status = "settled"
industry = "{INDUSTRIES[(p + t) % 5]}"
summary = {{ zh = "{ZH[:24]}", en = "{EN[:50]}" }}
featured = {"true" if t == 0 else "false"}
+++
{body("zh", t)}''')
        write(f"content/parks/{key}/tenants/tenant-{t}.en.md", body("en", t))
for n in range(news):
    write(f"content/news/item-{n}.md", f'''+++
title = {{ zh = "新闻{n}", en = "News {n}" }}
date = 2020-{1 + n % 12:02d}-{1 + n % 28:02d}
parks = ["park-{n % parks}"]
+++
{body("zh", n)}''')
    write(f"content/news/item-{n}.en.md", body("en", n))
