//! `--html`: a report staff print or forward, one self-contained page: charts as inline SVG
//! (arrivals per audience per week, parks per audience, QR scans against link clicks), tables,
//! the date range, in the default language with audience names in every language. Nothing is
//! loaded from another host.

use std::fmt::Write as _;

use super::report::{AudienceSummary, Summary};
use crate::escape::escape_html as esc;

/// Interface text of the report in one language.
struct Strings {
    lang_tag: &'static str,
    title: &'static str,
    range: &'static str,
    no_data: &'static str,
    lines: &'static str,
    weekly: &'static str,
    week_of: &'static str,
    parks: &'static str,
    qr_vs_clicks: &'static str,
    qr: &'static str,
    clicks: &'static str,
    table: &'static str,
    audience: &'static str,
    columns: [&'static str; 8],
    unknown: &'static str,
    unknown_note: &'static str,
    source: &'static str,
    views: &'static str,
    quality: &'static str,
    bots: &'static str,
    malformed: &'static str,
    outside: &'static str,
    reading: &'static str,
    footer: &'static str,
}

const ZH: Strings = Strings {
    lang_tag: "zh-CN",
    title: "推介来源报告",
    range: "统计期间",
    no_data: "没有统计到访问",
    lines: "日志行数",
    weekly: "各受众每周到达",
    week_of: "周起",
    parks: "各受众浏览的园区",
    qr_vs_clicks: "扫码与点击",
    qr: "扫码（印刷品、二维码）",
    clicks: "点击链接",
    table: "明细",
    audience: "受众",
    columns: [
        "到达",
        "访客",
        "短链接打开",
        "后续浏览",
        "PDF下载",
        "浏览园区",
        "首次访问",
        "最近访问",
    ],
    unknown: "未知来源",
    unknown_note: "utm_source 不在 audiences.toml 中：链接被转发到所发商会之外，或印刷的网址有误。",
    source: "来源",
    views: "浏览",
    quality: "数据质量",
    bots: "机器人请求（不计为访客）",
    malformed: "无法读取的日志行",
    outside: "统计期间之外的行",
    reading: "“到达”是带有受众 utm_source 的成功页面浏览；“访客”按每天的地址与浏览器加盐散列计数，不保存任何地址；同一访客 30 分钟内的后续浏览计入该次到达。这些数字说明链接被打开过，不能证明是谁打开的：转发、共用网络和更换设备都会影响计数。",
    footer: "由 parkpress 根据访问日志生成，不含 IP 地址和个人信息。",
};

const EN: Strings = Strings {
    lang_tag: "en",
    title: "Referral report",
    range: "Period",
    no_data: "No visits counted",
    lines: "log lines",
    weekly: "Arrivals per audience per week",
    week_of: "week of",
    parks: "Parks looked at, per audience",
    qr_vs_clicks: "QR scans and link clicks",
    qr: "QR scans (print, QR)",
    clicks: "Link clicks",
    table: "Details",
    audience: "Audience",
    columns: [
        "Arrivals",
        "Visitors",
        "Link opens",
        "Page views",
        "PDF downloads",
        "Parks",
        "First visit",
        "Last visit",
    ],
    unknown: "Unknown sources",
    unknown_note: "utm_source values that are no audience of audiences.toml: a link forwarded beyond the chamber it was given to, or a typo in a printed URL.",
    source: "Source",
    views: "Views",
    quality: "Data quality",
    bots: "Requests by bots (never counted as visitors)",
    malformed: "Log lines that could not be read",
    outside: "Lines outside the period",
    reading: "An arrival is a successful page view carrying an audience's utm_source; visitors are counted by a salted hash of address and browser per day, and no address is kept; later views by the same visitor within 30 minutes count for that arrival. The numbers show that links were opened, not who opened them: forwards, shared networks and changed devices all move them.",
    footer: "Made by parkpress from access logs; holds no IP address and no personal data.",
};

/// Colours of the series, distinguishable in print and for common colour blindness.
const PALETTE: [&str; 8] = [
    "#1b6ca8", "#e07b00", "#2e8b57", "#c0392b", "#7d3c98", "#8c6d1f", "#d35aa0", "#566573",
];

/// The whole page.
pub fn render(summary: &Summary) -> String {
    let zh = summary
        .languages
        .first()
        .is_some_and(|l| l.starts_with("zh"));
    let s = if zh { &ZH } else { &EN };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        s.lang_tag,
        esc(s.title),
        STYLE,
        esc(s.title)
    );
    let range = match (&summary.from, &summary.to) {
        (Some(a), Some(b)) => format!("{}: {a} – {b}", s.range),
        _ => s.no_data.to_owned(),
    };
    let _ = writeln!(
        out,
        "<p class=\"range\">{} · {} {}</p>",
        esc(&range),
        summary.lines,
        esc(s.lines)
    );
    let audiences: Vec<&AudienceSummary> = summary.audiences.iter().collect();
    let _ = write!(
        out,
        "<section>\n<h2>{}</h2>\n{}{}</section>\n",
        esc(s.weekly),
        weekly_chart(&audiences, s),
        legend(audiences.iter().map(|a| a.name.as_str()))
    );
    out.push_str(&parks_chart(summary, &audiences, s));
    out.push_str(&qr_chart(&audiences, s));
    out.push_str(&table(summary, &audiences, s));
    out.push_str(&unknown_and_quality(summary, s));
    let _ = write!(
        out,
        "<footer><p>{}</p><p>{}</p></footer>\n</main>\n</body>\n</html>\n",
        esc(s.reading),
        esc(s.footer)
    );
    out
}

fn legend<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (i, name) in names.enumerate() {
        let _ = write!(
            out,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
            PALETTE[i % PALETTE.len()],
            esc(name)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// A round upper bound for an axis: 1, 2, 5 × 10ⁿ.
fn nice_max(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// Stacked bars: one per week, a segment per audience.
fn weekly_chart(audiences: &[&AudienceSummary], s: &Strings) -> String {
    let mut weeks: Vec<&str> = audiences
        .iter()
        .flat_map(|a| a.weeks.keys().map(String::as_str))
        .collect();
    weeks.sort_unstable();
    weeks.dedup();
    if weeks.is_empty() {
        return format!("<p class=\"empty\">{}</p>\n", esc(s.no_data));
    }
    let totals: Vec<u64> = weeks
        .iter()
        .map(|w| audiences.iter().filter_map(|a| a.weeks.get(*w)).sum())
        .collect();
    let top = nice_max(totals.iter().copied().max().unwrap_or(1));
    let (width, height, left, bottom, top_pad) = (640.0, 270.0, 64.0, 44.0, 14.0);
    let plot_h = height - bottom - top_pad;
    let slot = (width - left - 8.0) / weeks.len() as f64;
    let bar = (slot * 0.7).min(48.0);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        esc(s.weekly)
    );
    for tick in 0..=4 {
        let value = top * tick / 4;
        let y = top_pad + plot_h - plot_h * tick as f64 / 4.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"end\">{value}</text>",
            width - 8.0,
            left - 6.0,
            y + 5.0
        );
    }
    let label_every = (weeks.len() as f64 / 8.0).ceil().max(1.0) as usize;
    for (i, week) in weeks.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = top_pad + plot_h;
        for (j, a) in audiences.iter().enumerate() {
            let Some(&n) = a.weeks.get(*week) else {
                continue;
            };
            let h = plot_h * n as f64 / top as f64;
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} · {} {week}: {n}</title></rect>",
                PALETTE[j % PALETTE.len()],
                esc(&a.name),
                esc(s.week_of)
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                height - bottom + 26.0,
                esc(week.get(5..).unwrap_or(week))
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// One row per audience: a bar split by park.
fn parks_chart(summary: &Summary, audiences: &[&AudienceSummary], s: &Strings) -> String {
    let parks: Vec<&str> = summary.park_names.iter().map(|(k, _)| k.as_str()).collect();
    let mut extra: Vec<&str> = audiences
        .iter()
        .flat_map(|a| a.parks.keys().map(String::as_str))
        .filter(|k| !parks.contains(k))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    let parks: Vec<&str> = parks.into_iter().chain(extra).collect();
    let totals = audiences.iter().map(|a| a.parks.values().sum());
    let (mut out, top) = match open_chart(s.parks, totals, s) {
        Ok(opened) => opened,
        Err(empty) => return empty,
    };
    for a in audiences {
        let total: u64 = a.parks.values().sum();
        let _ = write!(
            out,
            "<div class=\"row\"><div class=\"label\">{} <span class=\"n\">{total}</span></div><svg class=\"bar\" viewBox=\"0 0 400 16\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\">",
            esc(&a.name),
            esc(&a.name)
        );
        let mut x = 0.0;
        for (i, park) in parks.iter().enumerate() {
            let Some(&n) = a.parks.get(*park) else {
                continue;
            };
            let w = 400.0 * n as f64 / top as f64;
            let _ = write!(
                out,
                "<rect x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"16\" fill=\"{}\"><title>{}: {n}</title></rect>",
                PALETTE[i % PALETTE.len()],
                esc(summary.park_name(park))
            );
            x += w;
        }
        out.push_str("</svg></div>\n");
    }
    out.push_str(&legend(parks.iter().map(|p| summary.park_name(p))));
    out.push_str("</section>\n");
    out
}

/// A chart's section opened with its `title`, and the largest of the `values` it shows, which
/// the bars are scaled to; when that is 0, the whole section saying there is no data yet (`Err`).
fn open_chart(
    title: &str,
    values: impl Iterator<Item = u64>,
    s: &Strings,
) -> Result<(String, u64), String> {
    let top = values.max().unwrap_or(0);
    let mut out = format!("<section>\n<h2>{}</h2>\n", esc(title));
    if top == 0 {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>\n</section>", esc(s.no_data));
        return Err(out);
    }
    Ok((out, top))
}

/// Per audience: QR scans against link clicks.
fn qr_chart(audiences: &[&AudienceSummary], s: &Strings) -> String {
    let larger = audiences.iter().map(|a| a.qr_scans.max(a.link_clicks));
    let (mut out, top) = match open_chart(s.qr_vs_clicks, larger, s) {
        Ok(opened) => opened,
        Err(empty) => return empty,
    };
    for a in audiences {
        let _ = write!(
            out,
            "<div class=\"row\"><div class=\"label\">{}</div><svg class=\"pair\" viewBox=\"0 0 400 34\" preserveAspectRatio=\"xMinYMid meet\" role=\"img\" aria-label=\"{}: {} {}, {} {}\">",
            esc(&a.name),
            esc(&a.name),
            esc(s.qr),
            a.qr_scans,
            esc(s.clicks),
            a.link_clicks
        );
        for (i, (n, color)) in [(a.qr_scans, PALETTE[1]), (a.link_clicks, PALETTE[0])]
            .into_iter()
            .enumerate()
        {
            let w = 340.0 * n as f64 / top as f64;
            let y = i as f64 * 17.0;
            let _ = write!(
                out,
                "<rect x=\"0\" y=\"{y}\" width=\"{w:.2}\" height=\"14\" fill=\"{color}\"/><text x=\"{:.2}\" y=\"{}\" class=\"value\">{n}</text>",
                w + 6.0,
                y + 12.0
            );
        }
        out.push_str("</svg></div>\n");
    }
    out.push_str(&legend_colors(&[
        (PALETTE[1], s.qr),
        (PALETTE[0], s.clicks),
    ]));
    out.push_str("</section>\n");
    out
}

fn legend_colors(items: &[(&str, &str)]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (color, name) in items {
        let _ = write!(
            out,
            "<li><span class=\"swatch\" style=\"background:{color}\"></span>{}</li>",
            esc(name)
        );
    }
    out.push_str("</ul>\n");
    out
}

fn table(summary: &Summary, audiences: &[&AudienceSummary], s: &Strings) -> String {
    let mut out = format!(
        "<section>\n<h2>{}</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">{}</th>",
        esc(s.table),
        esc(s.audience)
    );
    for column in s.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for a in audiences {
        let others: Vec<&str> = a
            .names
            .values()
            .map(String::as_str)
            .filter(|n| *n != a.name)
            .collect();
        let mut others = others;
        others.dedup();
        let parks: Vec<String> = a
            .parks
            .iter()
            .map(|(k, n)| format!("{} {n}", esc(summary.park_name(k))))
            .collect();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}<span class=\"other\">{}</span><span class=\"key\">{}</span></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"parks\">{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td></tr>",
            esc(&a.name),
            esc(&others.join(" / ")),
            esc(&a.key),
            a.arrivals,
            a.visitors,
            a.link_opens,
            a.page_views,
            a.pdf_downloads,
            parks.join("<br>"),
            esc(a.first.as_deref().unwrap_or("–")),
            esc(a.last.as_deref().unwrap_or("–"))
        );
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
    out
}

fn unknown_and_quality(summary: &Summary, s: &Strings) -> String {
    let mut out = String::new();
    if !summary.unknown_sources.is_empty() {
        let _ = write!(
            out,
            "<section>\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n<table class=\"narrow\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            esc(s.unknown),
            esc(s.unknown_note),
            esc(s.source),
            esc(s.views)
        );
        for (source, n) in &summary.unknown_sources {
            let _ = write!(out, "<tr><td>{}</td><td>{n}</td></tr>", esc(source));
        }
        out.push_str("</tbody></table>\n</section>\n");
    }
    let _ = write!(
        out,
        "<section>\n<h2>{}</h2>\n<table class=\"narrow\"><tbody><tr><th scope=\"row\">{}</th><td>{}</td></tr><tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        esc(s.quality),
        esc(s.bots),
        summary.bots,
        esc(s.malformed),
        summary.malformed
    );
    if summary.outside_range > 0 {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(s.outside),
            summary.outside_range
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

const STYLE: &str = "
:root{color-scheme:light;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1d2330;background:#fff}
body{margin:0}
main{max-width:960px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:32px 0 12px;padding-bottom:4px;border-bottom:2px solid #1b6ca8}
.range{color:#4a5263;margin:0}
.chart{width:100%;max-width:720px;height:auto;display:block}
.chart .grid{stroke:#dde2ea;stroke-width:1}
.chart .axis{font-size:19px;fill:#4a5263}
.row{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:4px 12px;align-items:center;margin:6px 0}
.label{font-size:.92rem;overflow-wrap:anywhere}
.label .n{color:#4a5263}
.bar{width:100%;height:16px;display:block;background:#f1f3f6}
.pair{width:100%;height:36px;display:block}
.pair .value{font-size:12px;fill:#1d2330}
.legend{list-style:none;padding:0;margin:10px 0 0;display:flex;flex-wrap:wrap;gap:6px 16px;font-size:.9rem}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:6px;vertical-align:-1px;border-radius:2px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #dde2ea;vertical-align:top}
td{font-variant-numeric:tabular-nums}
td.date{white-space:nowrap}
thead th{background:#f1f3f6;white-space:nowrap}
tbody th{font-weight:600;min-width:9rem}
.other,.key{display:block;font-weight:400;color:#4a5263;font-size:.85em}
.key{font-family:ui-monospace,monospace}
td.parks{min-width:10rem}
table.narrow{width:auto;min-width:50%}
.note,.empty{color:#4a5263}
footer{margin-top:36px;color:#4a5263;font-size:.85rem;border-top:1px solid #dde2ea}
@media (max-width:560px){.row{grid-template-columns:1fr}main{padding:16px 12px 32px}table{font-size:.8rem}tbody th{min-width:7rem}}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}section{break-inside:avoid}.scroll{overflow:visible}}
";
