#!/usr/bin/env python3
"""Generates a realistic nginx "combined" access log for `parkpress referrals`.

Reads the share links printed by `parkpress share` (tab-separated: audience, target, language,
short link, tracked link) on standard input and writes a log of about --bytes bytes over --days
days: people browsing, visitors arriving through short and tracked links who go on to parks and
PDFs, crawlers, 404s and 304s, forwarded links with unknown sources. Addresses are from the
documentation ranges (RFC 5737).

    parkpress share --root . | python3 scripts/gen_access_log.py --bytes 1G > /tmp/big.log
"""

import argparse
import datetime
import random
import sys
from urllib.parse import urlsplit

BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 13; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Mobile Safari/537.36",
]
BOTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
    "curl/8.5.0",
]
ASSETS = ["static/style.css", "static/site.js", "images/cover-800.jpg", "favicon.ico"]


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1].upper() in units:
        return int(float(text[:-1]) * units[text[-1].upper()])
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", default="10M", help="approximate size (K, M, G suffixes)")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    links = []
    for row in sys.stdin:
        fields = row.rstrip("\n").split("\t")
        if len(fields) == 5 and fields[3].startswith("http"):
            links.append((urlsplit(fields[3]).path, fields[4]))
    if not links:
        sys.exit("no links on standard input: pipe `parkpress share` into this script")
    base = urlsplit(links[0][1]).path.split("/parks/")[0].rstrip("/")
    parks = sorted({urlsplit(t).path.split("/parks/")[1].split("/")[0] for _, t in links if "/parks/" in t})
    pages = [f"{base}/", f"{base}/en/", f"{base}/news/", f"{base}/policies/"]
    pages += [f"{base}/parks/{p}/" for p in parks] + [f"{base}/en/parks/{p}/" for p in parks]

    target = parse_size(args.bytes)
    start = datetime.datetime(2026, 3, 2, 0, 0, 0)
    seconds = args.days * 86400
    written = 0
    out = sys.stdout
    now = 0.0
    step = seconds / max(target / 190, 1)

    def emit(t, ip, ua, path, status=200, size=5123):
        nonlocal written
        stamp = (start + datetime.timedelta(seconds=int(t))).strftime("%d/%b/%Y:%H:%M:%S +0800")
        line = f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} {size} "-" "{ua}"\n'
        out.write(line)
        written += len(line)

    while written < target:
        now += rng.expovariate(1 / step)
        t = now
        ip = f"198.51.{rng.randrange(100, 114)}.{rng.randrange(1, 255)}"
        kind = rng.random()
        if kind < 0.55:
            emit(t, ip, rng.choice(BROWSERS), rng.choice(pages))
            emit(t + 1, ip, rng.choice(BROWSERS), f"{base}/{rng.choice(ASSETS)}", size=20480)
        elif kind < 0.72:
            emit(t, f"180.76.{rng.randrange(0, 16)}.{rng.randrange(1, 255)}", rng.choice(BOTS), rng.choice(pages + [t for _, t in links[:50]]))
        elif kind < 0.90:
            short, tracked = rng.choice(links)
            ua = rng.choice(BROWSERS)
            tracked_path = urlsplit(tracked)
            tracked_path = tracked_path.path + "?" + tracked_path.query
            if rng.random() < 0.5:
                emit(t, ip, ua, short, size=600)
            emit(t + 1, ip, ua, tracked_path)
            for i in range(rng.randrange(0, 5)):
                emit(t + 60 * (i + 1), ip, ua, rng.choice(pages))
            if rng.random() < 0.2:
                emit(t + 400, ip, ua, f"{base}/pdf/parks/{rng.choice(parks)}.zh.pdf", size=2_000_000)
        elif kind < 0.97:
            emit(t, ip, rng.choice(BROWSERS), rng.choice(pages), status=rng.choice([304, 404, 301]))
        else:
            emit(t, ip, rng.choice(BROWSERS), f"{base}/parks/{rng.choice(parks)}/?utm_source=forwarded-{rng.randrange(5)}&utm_medium=wechat")


if __name__ == "__main__":
    main()
