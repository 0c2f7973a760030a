#!/usr/bin/env python3
"""Sizes of the search indexes of a built site, and of the alternative the design rejected.

usage: search_sizes.py OUTPUT_DIR

For each search-index.<lang>.json: entries, bytes and gzip bytes as shipped (short texts that the
browser tokenizes), and what prebuilt postings would cost instead: the same entries without texts
plus a map from every token (Chinese bigram or single character run, lower-case word) to the
entries holding it, tokenized as themes/default/static/js/search.js does.
"""
import glob
import gzip
import json
import os
import re
import sys
import unicodedata

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
TOKEN = re.compile(f"[{CJK}]+|[0-9a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff]+")
IS_CJK = re.compile(f"^[{CJK}]")


def normalize(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def tokens(text):
    for run in TOKEN.findall(normalize(text)):
        if IS_CJK.match(run):
            if len(run) == 1:
                yield run
            for i in range(len(run) - 1):
                yield run[i:i + 2]
        else:
            yield run


def size(data):
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return len(raw), len(gzip.compress(raw, 9))


def kb(n):
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MB"


for path in sorted(glob.glob(os.path.join(sys.argv[1], "search-index.*.json"))):
    with open(path, "rb") as f:
        raw = f.read()
    index = json.loads(raw)
    entries = index["entries"]
    postings = {}
    for i, e in enumerate(entries):
        for token in set(tokens(" \n ".join([e["title"], e.get("park", ""), e["text"]]))):
            postings.setdefault(token, []).append(i)
    bare = [{k: v for k, v in e.items() if k != "text"} for e in entries]
    pre, pre_gz = size({"entries": bare, "postings": postings})
    both, both_gz = size({"entries": entries, "postings": postings})
    print(f"  {os.path.basename(path):22} {len(entries):6} entries  {kb(len(raw)):>9} "
          f"(gzip {kb(len(gzip.compress(raw, 9)))})   prebuilt postings instead: {kb(pre)} "
          f"(gzip {kb(pre_gz)}), postings + texts: {kb(both)} (gzip {kb(both_gz)})")
