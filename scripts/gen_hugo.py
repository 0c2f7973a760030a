#!/usr/bin/env python3
"""Turns a site made by gen_site.py into an equivalent Hugo site, for scripts/bench.sh.

usage: gen_hugo.py PARKPRESS_ROOT HUGO_ROOT

The Hugo site has the same pages in the same two languages (home, parks list, one page per park
with its policies, factors and tenants, one page per tenant, tenants and policies lists, news list
and news items, 404) built from the same Markdown, through minimal layouts that show what the
parkpress default theme shows (cards, tables, language alternates, navigation). Taxonomies are off
and only the home page and the news list have feeds, as in parkpress.
"""
import os
import sys
import tomllib

src, out = sys.argv[1], sys.argv[2]
content = os.path.join(src, "content")


def write(path, text):
    path = os.path.join(out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def split(text):
    """(front matter dict, body) of a parkpress Markdown file."""
    if text.startswith("+++\n"):
        head, _, body = text[4:].partition("\n+++\n")
        return tomllib.loads(head), body
    return {}, text


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def local(value, lang, default):
    if isinstance(value, dict):
        return value.get(lang, value.get(default, ""))
    return value if value is not None else ""


def q(text):
    """A TOML basic string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def documents(folder):
    """Each `<slug>.md` of a folder as (slug, front matter, body per language); a language
    without its `<slug>.<lang>.md` translation gets the original body."""
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith(".md") or name.count(".") > 1:
            continue
        slug = name[:-3]
        front, body = split(read(os.path.join(folder, name)))
        bodies = {}
        for lang in langs:
            translation = os.path.join(folder, f"{slug}.{lang}.md")
            translated = lang != default and os.path.exists(translation)
            bodies[lang] = split(read(translation))[1] if translated else body
        yield slug, front, bodies


def page(path, front, body=""):
    lines = ["+++"]
    for key, value in front.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, list):
            lines.append(f"{key} = [{', '.join(q(v) for v in value)}]")
        else:
            lines.append(f"{key} = {q(value)}")
    write(path, "\n".join(lines) + "\n+++\n" + body)


site = tomllib.loads(read(os.path.join(content, "site.toml")))
langs = site["languages"]
default = langs[0]
names = {"zh": {"parks": "园区", "tenants": "入驻企业", "policies": "优惠政策", "news": "新闻动态"},
         "en": {"parks": "Parks", "tenants": "Tenants", "policies": "Policies", "news": "News"}}

config = [
    'baseURL = "https://bench.example.gov.cn/"',
    f'defaultContentLanguage = "{default}"',
    "defaultContentLanguageInSubdir = false",
    'disableKinds = ["taxonomy", "term"]',
    "enableRobotsTXT = true",
    "[outputs]",
    'home = ["HTML", "RSS"]',
    'section = ["HTML"]',
    'page = ["HTML"]',
]
for weight, lang in enumerate(langs, 1):
    config += [f"[languages.{lang}]", f"weight = {weight}",
               f"languageCode = {q('zh-CN' if lang == 'zh' else lang)}",
               f"title = {q(local(site['title'], lang, default))}"]
write("hugo.toml", "\n".join(config) + "\n")

for lang in langs:
    n = names.get(lang, names["en"])
    page(f"content/_index.{lang}.md", {"title": local(site["title"], lang, default)})
    page(f"content/parks/_index.{lang}.md", {"title": n["parks"]})
    page(f"content/tenants/_index.{lang}.md", {"title": n["tenants"]})
    page(f"content/policies/_index.{lang}.md", {"title": n["policies"]})
    write(f"content/news/_index.{lang}.md",
          f'+++\ntitle = {q(n["news"])}\noutputs = ["HTML", "RSS"]\n+++\n')

parks_dir = os.path.join(content, "parks")
for key in sorted(os.listdir(parks_dir)):
    park_dir = os.path.join(parks_dir, key)
    park = tomllib.loads(read(os.path.join(park_dir, "park.toml")))
    for lang in langs:
        body_file = os.path.join(park_dir, "index.md" if lang == default else f"index.{lang}.md")
        _, body = split(read(body_file)) if os.path.exists(body_file) else ({}, "")
        policies = "".join(
            f"[[policies]]\ntitle = {q(local(p['title'], lang, default))}\n"
            f"summary = {q(local(p.get('summary'), lang, default))}\n"
            for p in park.get("policies", []))
        factors = "".join(
            f"[[factors]]\nkind = {q(f['kind'])}\nvalue = {q(f.get('value', ''))}\n"
            f"unit = {q(local(f.get('unit'), lang, default))}\n"
            for f in park.get("factors", []))
        write(f"content/parks/{key}/_index.{lang}.md",
              f"+++\ntitle = {q(local(park['name'], lang, default))}\n"
              f"operator = {q(local(park['operator'], lang, default))}\n"
              f"positioning = {q(local(park['positioning'], lang, default))}\n"
              f"weight = {park.get('order', 0) + 1}\n{policies}{factors}+++\n{body}")
    for slug, front, bodies in documents(os.path.join(park_dir, "tenants")):
        for lang in langs:
            page(f"content/parks/{key}/tenants/{slug}.{lang}.md", {
                "title": local(front["name"], lang, default),
                "summary": local(front.get("summary"), lang, default),
                "status": front.get("status", "settled"),
                "industry": front.get("industry", ""),
                "featured": bool(front.get("featured", False)),
            }, bodies[lang])

for slug, front, bodies in documents(os.path.join(content, "news")):
    for lang in langs:
        page(f"content/news/{slug}.{lang}.md", {
            "title": local(front["title"], lang, default),
            "date": str(front["date"]),
            "parks": front.get("parks", []),
        }, bodies[lang])

LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 120 }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{- range .AllTranslations }}
<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{- end }}
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "css/site.css" | absURL }}">
</head>
<body>
<header><a href="{{ "/" | relLangURL }}">{{ .Site.Title }}</a>
<nav><ul>
<li><a href="{{ "parks/" | relLangURL }}">parks</a></li>
<li><a href="{{ "tenants/" | relLangURL }}">tenants</a></li>
<li><a href="{{ "policies/" | relLangURL }}">policies</a></li>
<li><a href="{{ "news/" | relLangURL }}">news</a></li>
</ul></nav>
<ul>{{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Lang }}</a></li>{{ end }}</ul>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ .Site.Title }} · {{ now.Year }}</p></footer>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
{{ with .Params.status }}<p>{{ . }} · {{ $.Params.industry }}</p>{{ end }}
{{ with .Parent }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
<div class="body">{{ .Content }}</div>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}<p>{{ .Summary | plainify | truncate 120 }}</p></li>{{ end }}</ul>
{{ end }}
""",
    "parks/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .Params.operator }}
<p>{{ .Params.operator }}</p><p>{{ .Params.positioning }}</p>
<section><h2>policies</h2>{{ range .Params.policies }}<article><h3>{{ .title }}</h3><p>{{ .summary }}</p></article>{{ end }}</section>
<table>{{ range .Params.factors }}<tr><td>{{ .kind }}</td><td>{{ .value }} {{ .unit }}</td></tr>{{ end }}</table>
<div class="body">{{ .Content }}</div>
<h2>featured</h2><ul>{{ range where .Pages "Params.featured" true }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.summary }}</p></li>{{ end }}</ul>
<h2>tenants</h2><ul>{{ range where .Pages "Params.featured" false }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.summary }}</p></li>{{ end }}</ul>
{{ else }}
<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.operator }} · {{ .Params.positioning }}</p><p>{{ len .Pages }}</p></li>{{ end }}</ul>
{{ end }}
{{ end }}
""",
    "tenants/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range where .Site.RegularPages "Section" "parks" }}<li data-park="{{ .Parent.File.ContentBaseName }}" data-status="{{ .Params.status }}"><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.summary }}</p><p>{{ .Parent.Title }}</p></li>{{ end }}</ul>
{{ end }}
""",
    "policies/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Site.GetPage "/parks" }}{{ range .Sections }}{{ $park := . }}{{ range .Params.policies }}<article><h2>{{ .title }}</h2><p>{{ .summary }}</p><p><a href="{{ $park.RelPermalink }}">{{ $park.Title }}</a></p></article>{{ end }}{{ end }}{{ end }}
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>{{ with .Site.GetPage "/parks" }}{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.positioning }}</p></li>{{ end }}{{ end }}</ul>
<ul>{{ range where .Site.RegularPages "Params.featured" true }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<ul>{{ range first 3 (where .Site.RegularPages "Section" "news") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>404</h1><p><a href="{{ "/" | relURL }}">home</a></p>{{ end }}
""",
}
for path, text in LAYOUTS.items():
    write(f"layouts/{path}", text)
write("static/css/site.css", "body { font-family: sans-serif; }\n")
