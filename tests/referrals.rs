//! `parkpress referrals` on the `referrals` fixture site: the same visits written in every log
//! format, with hostile lines, counted exactly.

mod common;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use common::{Site, parkpress};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

const WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const BAIDU: &str =
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)";

const TRACKED: &str = "/invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat&utm_campaign=2026-spring";

/// One request of the scenario.
struct Visit {
    /// Seconds after 2026-03-02 10:00:00 +0800.
    at: i64,
    client: &'static str,
    ua: &'static str,
    method: &'static str,
    target: String,
    status: u16,
}

fn visit(at: i64, client: &'static str, ua: &'static str, target: &str) -> Visit {
    Visit {
        at,
        client,
        ua,
        method: "GET",
        target: target.to_owned(),
        status: 200,
    }
}

/// Two visitors through the Beijing chamber's link (one through the short link), a friend it
/// was forwarded to, a crawler on the same URL, an unknown source, 404s with tracked URLs, a
/// QR scan of the expo's printed link that goes on to a park's old key, and a return visit the
/// next day.
fn scenario() -> Vec<Visit> {
    let code = parkpress::share::short_code("beijing-chamber", "data-lake");
    let a = "203.0.113.10";
    let b = "198.51.100.20";
    let mut visits = vec![
        visit(0, a, WECHAT, TRACKED),
        visit(60, a, WECHAT, "/invest/static/style.css"),
        visit(120, a, WECHAT, "/invest/parks/data-lake/tenants/cloud-co/"),
        visit(300, a, WECHAT, "/invest/pdf/parks/data-lake.zh.pdf"),
        Visit {
            status: 206,
            ..visit(301, a, WECHAT, "/invest/pdf/parks/data-lake.zh.pdf")
        },
        visit(600, b, ANDROID, &format!("/invest/s/{code}/")),
        visit(601, b, ANDROID, TRACKED),
        visit(700, b, ANDROID, "/invest/en/parks/zhizao/"),
        // More than 30 minutes after B's last request: a new, untracked visit.
        visit(4000, b, ANDROID, "/invest/parks/zhizao/"),
        // The friend the link was forwarded to.
        visit(900, "192.0.2.30", DESKTOP, TRACKED),
        visit(950, "180.76.15.5", BAIDU, TRACKED),
        visit(
            1000,
            "192.0.2.40",
            DESKTOP,
            "/invest/parks/data-lake/?utm_source=beijng-chamber&utm_medium=wechat",
        ),
        Visit {
            status: 404,
            ..visit(
                1100,
                "192.0.2.50",
                DESKTOP,
                "/invest/parks/missing/?utm_source=beijing-chamber&utm_medium=wechat",
            )
        },
        Visit {
            status: 404,
            ..visit(1150, "192.0.2.51", DESKTOP, TRACKED)
        },
        Visit {
            method: "HEAD",
            ..visit(1200, a, WECHAT, TRACKED)
        },
        visit(
            2000,
            "192.0.2.60",
            SAFARI,
            "/invest/en/?utm_source=shanghai-expo&utm_medium=print",
        ),
        visit(2100, "192.0.2.60", SAFARI, "/invest/en/parks/shuju/"),
        visit(
            2200,
            "192.0.2.70",
            DESKTOP,
            "/elsewhere/?utm_source=beijing-chamber",
        ),
        // The next day, A comes back through the link.
        visit(86_400, a, WECHAT, TRACKED),
    ];
    visits.sort_by_key(|v| v.at);
    visits
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Combined,
    Common,
    AliyunCdn,
    AliyunOss,
    TencentCdn,
    TencentCos,
    Json,
}

const FORMATS: [Format; 7] = [
    Format::Combined,
    Format::Common,
    Format::AliyunCdn,
    Format::AliyunOss,
    Format::TencentCdn,
    Format::TencentCos,
    Format::Json,
];

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

/// The time as the format writes it (Beijing time, except COS, which writes UTC).
fn time_text(format: Format, local: NaiveDateTime) -> String {
    match format {
        Format::Combined | Format::Common | Format::AliyunOss | Format::AliyunCdn => {
            local.format("%d/%b/%Y:%H:%M:%S +0800").to_string()
        }
        Format::TencentCdn => local.format("%Y%m%d%H%M%S").to_string(),
        Format::TencentCos => (local - Duration::hours(8))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        Format::Json => local.format("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
    }
}

/// One log line of the visit in the format, with the time written as `time`.
fn line(format: Format, time: &str, v: &Visit) -> String {
    let (m, t, s, ip, ua) = (v.method, &v.target, v.status, v.client, v.ua);
    match format {
        Format::Combined => {
            format!("{ip} - - [{time}] \"{m} {t} HTTP/1.1\" {s} 5123 \"-\" \"{ua}\" \"-\"")
        }
        Format::Common => format!("{ip} - - [{time}] \"{m} {t} HTTP/1.1\" {s} 5123"),
        Format::AliyunCdn => format!(
            "[{time}] {ip} - 12 \"-\" \"{m} https://invest.example.gov.cn{t}\" {s} 191 5123 MISS \"{ua}\" \"text/html\""
        ),
        Format::AliyunOss => format!(
            "{ip} - - [{time}] \"{m} {t} HTTP/1.1\" {s} 5123 12 \"-\" \"{ua}\" \"jibei.oss-cn-jinan.aliyuncs.com\" \"5F1A0B3C2D4E5F6A7B8C9D0E\" \"true\" \"-\" \"GetObject\" \"jibei\" \"invest%2Findex.html\" 5123 11 \"-\" 191 \"-\" 0"
        ),
        Format::TencentCdn => format!(
            "{time} {ip} invest.example.gov.cn {t} 5123 22 2 {s} - 12 \"{ua}\" - {m} HTTPS hit 443"
        ),
        Format::TencentCos => {
            let path = t.split('?').next().unwrap_or(t);
            format!(
                "1.0 jibei-1250000000 ap-beijing {time} jibei-1250000000.cos.ap-beijing.myqcloud.com GetObject {ip} - - 191 0 {path} {} {} {s} - - 5123 12 USER STANDARD 100000000001 11 - 7f5c2a-1a2b 5123 - - - {t}",
                m.to_ascii_lowercase(),
                ua.replace(' ', "%20")
            )
        }
        Format::Json => serde_json::json!({
            "time_iso8601": time,
            "remote_addr": ip,
            "request": format!("{m} {t} HTTP/1.1"),
            "status": s,
            "http_user_agent": ua,
            "http_sec_purpose": "",
        })
        .to_string(),
    }
}

/// Lines no format can read: NUL bytes, 1 MB, invalid UTF-8, an impossible date, noise.
const HOSTILE: u64 = 5;

fn log(format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    let visits = scenario();
    for (i, v) in visits.iter().enumerate() {
        let time = time_text(format, start() + Duration::seconds(v.at));
        out.extend_from_slice(line(format, &time, v).as_bytes());
        out.push(b'\n');
        if i == 2 {
            // Hostile lines in the middle of the log, after the format is known.
            let mut nul = line(format, &time, v).into_bytes();
            nul.insert(10, 0);
            out.extend_from_slice(&nul);
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b'A', 1 << 20));
            out.push(b'\n');
            let mut bad = line(format, &time, v).into_bytes();
            bad.extend_from_slice(b" \xff\xfe");
            out.extend_from_slice(&bad);
            out.push(b'\n');
            let impossible = match format {
                Format::TencentCdn => "20261332250000".to_owned(),
                Format::TencentCos => "2026-13-02T02:00:00Z".to_owned(),
                Format::Json => "2026-02-30T10:00:00+08:00".to_owned(),
                _ => "32/Mar/2026:10:00:00 +0800".to_owned(),
            };
            out.extend_from_slice(line(format, &impossible, v).as_bytes());
            out.push(b'\n');
            out.extend_from_slice(b"garbage that is no log line\n\n");
        }
    }
    out
}

fn run(site: &Site, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = parkpress(site.root(), args);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run parkpress");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("stdin written");
    output
}

fn json(site: &Site, logs: &[&Path], extra: &[&str]) -> Value {
    let mut args = vec!["referrals", "--format", "json"];
    let logs: Vec<String> = logs.iter().map(|p| p.display().to_string()).collect();
    args.extend(logs.iter().map(String::as_str));
    args.extend(extra);
    let output = run(site, &args, None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn write_log(site: &Site, name: &str, bytes: &[u8]) -> PathBuf {
    let path = site.root().join(name);
    std::fs::write(&path, bytes).expect("write log");
    path
}

fn audience<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["audiences"]
        .as_array()
        .expect("audiences")
        .iter()
        .find(|a| a["key"] == key)
        .unwrap_or_else(|| panic!("no audience {key} in {report}"))
}

#[test]
fn every_format_gives_the_same_exact_counts() {
    let site = Site::fixture("referrals");
    let events = scenario().len() as u64;
    for format in FORMATS {
        let path = write_log(&site, "access.log", &log(format));
        let report = json(&site, &[&path], &[]);
        let context = format!("{format:?}: {report:#}");
        // "common" logs no user agent: the crawler cannot be told from a person.
        let crawler_counted = u64::from(format == Format::Common);
        assert_eq!(report["lines"], events + HOSTILE, "{context}");
        assert_eq!(report["malformed"], HOSTILE, "{context}");
        assert_eq!(report["bots"], 1 - crawler_counted, "{context}");
        assert_eq!(
            report["unknown_sources"],
            serde_json::json!({"beijng-chamber": 1}),
            "{context}"
        );
        let beijing = audience(&report, "beijing-chamber");
        assert_eq!(beijing["arrivals"], 4 + crawler_counted, "{context}");
        assert_eq!(beijing["visitors"], 4 + crawler_counted, "{context}");
        assert_eq!(beijing["link_opens"], 1, "{context}");
        assert_eq!(beijing["page_views"], 2, "{context}");
        assert_eq!(beijing["pdf_downloads"], 1, "{context}");
        assert_eq!(
            beijing["parks"],
            serde_json::json!({"data-lake": 5 + crawler_counted, "zhizao": 1}),
            "{context}"
        );
        assert_eq!(beijing["first"], "2026-03-02", "{context}");
        assert_eq!(beijing["last"], "2026-03-03", "{context}");
        assert_eq!(beijing["name"], "北京济阳商会", "{context}");
        let expo = audience(&report, "shanghai-expo");
        assert_eq!(expo["arrivals"], 1, "{context}");
        assert_eq!(expo["visitors"], 1, "{context}");
        assert_eq!(expo["qr_scans"], 1, "{context}");
        assert_eq!(expo["page_views"], 1, "{context}");
        assert_eq!(
            expo["parks"],
            serde_json::json!({"data-lake": 1}),
            "{context}"
        );
        // Built-in audiences that brought no one are left out.
        assert_eq!(
            report["audiences"].as_array().unwrap().len(),
            2,
            "{context}"
        );
        let examples = report["malformed_examples"].as_array().unwrap();
        assert_eq!(examples[0]["line"], 4, "{context}");
        assert_eq!(examples[0]["reason"], "NUL byte", "{context}");
        assert_eq!(examples[1]["reason"], "line too long", "{context}");
        assert_eq!(examples[2]["reason"], "invalid UTF-8", "{context}");
        assert!(
            ["date out of range", "unreadable time"]
                .contains(&examples[3]["reason"].as_str().unwrap()),
            "{context}"
        );
        let lines: Vec<u64> = examples
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect();
        assert_eq!(
            lines,
            [4, 5, 6, 7, 8],
            "the first five by line number: {context}"
        );
    }
}

#[test]
fn no_address_reaches_any_output() {
    let site = Site::fixture("referrals");
    let path = write_log(&site, "access.log", &log(Format::Combined));
    let html = site.root().join("report.html");
    let csv = site.root().join("ledger.csv");
    for format in ["text", "json"] {
        let output = run(
            &site,
            &[
                "referrals",
                path.to_str().unwrap(),
                "--format",
                format,
                "--html",
                html.to_str().unwrap(),
                "--csv",
                csv.to_str().unwrap(),
            ],
            None,
        );
        assert!(output.status.success());
        let mut all = output.stdout.clone();
        all.extend(output.stderr);
        all.extend(std::fs::read(&html).unwrap());
        all.extend(std::fs::read(&csv).unwrap());
        let all = String::from_utf8_lossy(&all);
        for visit in scenario() {
            assert!(
                !all.contains(visit.client),
                "{} in the {format} report",
                visit.client
            );
        }
    }
}

#[test]
fn gzip_logs_and_standard_input_are_read() {
    let site = Site::fixture("referrals");
    let plain = log(Format::Combined);
    // A rotated log, compressed in two gzip members as logrotate's copies may be.
    let (first, second) = plain.split_at(plain.len() / 2);
    let mut gz = Vec::new();
    for part in [first, second] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(part).unwrap();
        gz.extend(encoder.finish().unwrap());
    }
    let gz_path = write_log(&site, "access.log.1.gz", &gz);
    let from_gz = json(&site, &[&gz_path], &[]);
    let output = run(&site, &["referrals", "--format", "json", "-"], Some(&plain));
    assert!(output.status.success());
    let from_stdin: Value = serde_json::from_slice(&output.stdout).unwrap();
    for report in [&from_gz, &from_stdin] {
        let beijing = audience(report, "beijing-chamber");
        assert_eq!(beijing["arrivals"], 4, "{report:#}");
        assert_eq!(beijing["visitors"], 4, "{report:#}");
        assert_eq!(beijing["page_views"], 2, "{report:#}");
        assert_eq!(report["bots"], 1);
    }
    assert_eq!(from_gz["files"][0]["format"], "combined");
    assert_eq!(from_stdin["files"][0]["file"], "-");
}

#[test]
fn since_and_until_keep_the_dates_asked_for() {
    let site = Site::fixture("referrals");
    let path = write_log(&site, "access.log", &log(Format::Combined));
    let day2 = json(&site, &[&path], &["--since", "2026-03-03"]);
    let beijing = audience(&day2, "beijing-chamber");
    assert_eq!(beijing["arrivals"], 1);
    assert_eq!(beijing["visitors"], 1);
    assert_eq!(beijing["link_opens"], 0);
    assert_eq!(beijing["first"], "2026-03-03");
    assert_eq!(day2["bots"], 0);
    assert_eq!(day2["from"], "2026-03-03");
    let day1 = json(&site, &[&path], &["--until", "2026-03-02"]);
    let beijing = audience(&day1, "beijing-chamber");
    assert_eq!(beijing["arrivals"], 3);
    assert_eq!(beijing["last"], "2026-03-02");
    assert_eq!(day1["outside_range"], 1);
    let backwards = run(
        &site,
        &[
            "referrals",
            path.to_str().unwrap(),
            "--since",
            "2026-03-03",
            "--until",
            "2026-03-02",
        ],
        None,
    );
    assert_eq!(backwards.status.code(), Some(2));
}

#[test]
fn text_report_names_audiences_and_counts() {
    let site = Site::fixture("referrals");
    let path = write_log(&site, "access.log", &log(Format::AliyunOss));
    let output = run(&site, &["referrals", path.to_str().unwrap()], None);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("北京济阳商会 (beijing-chamber)"), "{text}");
    assert!(
        text.contains("arrivals 4, visitors 4, link opens 1, page views 2, PDF downloads 1"),
        "{text}"
    );
    assert!(
        text.contains("parks: 山东数据湖产业园 (data-lake) 5, 智造小镇 (zhizao) 1"),
        "{text}"
    );
    assert!(
        text.contains("first visit 2026-03-02, last visit 2026-03-03"),
        "{text}"
    );
    assert!(text.contains("Unknown sources: beijng-chamber 1"), "{text}");
    assert!(text.contains("Bot requests: 1"), "{text}");
    assert!(text.contains("Malformed lines: 5 (first: "), "{text}");
    assert!(text.contains("access.log:4 NUL byte"), "{text}");
}

/// Runs `referrals LOG FLAG FILE` on a log of the format and returns what it wrote to FILE.
fn written_report(format: Format, flag: &str, file: &str) -> Vec<u8> {
    let site = Site::fixture("referrals");
    let path = write_log(&site, "access.log", &log(format));
    let out = site.root().join(file);
    let output = run(
        &site,
        &[
            "referrals",
            path.to_str().unwrap(),
            flag,
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&out).expect("report written")
}

#[test]
fn html_report_is_self_contained_with_svg_charts() {
    let html = String::from_utf8(written_report(Format::Json, "--html", "report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert_eq!(
        html.matches("<svg").count(),
        1 + 2 + 2,
        "a weekly chart, a park row and a QR row per audience"
    );
    assert!(html.contains("推介来源报告"));
    assert!(html.contains("统计期间: 2026-03-02 – 2026-03-03"));
    assert!(html.contains("北京济阳商会"));
    assert!(html.contains("Jiyang Chamber of Commerce in Beijing"));
    assert!(html.contains("Shanghai Investment Fair"));
    assert!(html.contains("beijng-chamber"));
    // The charts show the counts: arrivals per audience in the week of Monday 2 March, views of
    // each park per audience, QR scans (the expo's printed link) against link clicks.
    assert!(
        html.contains("<title>北京济阳商会 · 周起 2026-03-02: 4</title>"),
        "{html}"
    );
    assert!(
        html.contains("<title>上海投资洽谈会 · 周起 2026-03-02: 1</title>"),
        "{html}"
    );
    assert!(
        html.contains("<title>山东数据湖产业园: 5</title>"),
        "{html}"
    );
    assert!(html.contains("<title>智造小镇: 1</title>"), "{html}");
    assert!(
        html.contains("aria-label=\"北京济阳商会: 扫码（印刷品、二维码） 0, 点击链接 4\""),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"上海投资洽谈会: 扫码（印刷品、二维码） 1, 点击链接 0\""),
        "{html}"
    );
    // Nothing from other hosts: no URL, no external reference of any kind.
    for needle in ["http:", "https:", "//", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(needle), "{needle} in the HTML report");
    }
}

#[test]
fn csv_ledger_has_a_bom_and_a_row_per_audience() {
    let bytes = written_report(Format::TencentCdn, "--csv", "ledger.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(
        rows[0],
        "受众标识,受众名称,首次访问,最近访问,访客,到达,短链接打开,后续浏览,浏览园区,PDF下载"
    );
    assert_eq!(
        rows[1],
        "beijing-chamber,北京济阳商会,2026-03-02,2026-03-03,4,4,1,2,山东数据湖产业园 5; 智造小镇 1,1"
    );
    assert_eq!(
        rows[2],
        "shanghai-expo,上海投资洽谈会,2026-03-02,2026-03-02,1,1,0,1,山东数据湖产业园 1,0"
    );
}

#[test]
fn a_missing_log_is_an_environment_error() {
    let site = Site::fixture("referrals");
    let output = run(&site, &["referrals", "no-such.log"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such.log"));
}

#[test]
fn every_short_link_the_build_writes_is_known() {
    let site = Site::fixture("referrals");
    let build = parkpress(site.root(), &["build"]).output().expect("build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let codes: Vec<String> = std::fs::read_dir(site.root().join("output/s"))
        .expect("output/s")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    // Configured and built-in audiences in both languages, home and two parks, and old keys.
    assert!(codes.len() > 10, "{codes:?}");
    let mut log = String::new();
    for (i, code) in codes.iter().enumerate() {
        let v = visit(
            i as i64,
            "203.0.113.10",
            WECHAT,
            &format!("/invest/s/{code}/"),
        );
        let time = time_text(Format::Combined, start() + Duration::seconds(v.at));
        log.push_str(&line(Format::Combined, &time, &v));
        log.push('\n');
    }
    let path = write_log(&site, "access.log", log.as_bytes());
    let report = json(&site, &[&path], &[]);
    let opens: u64 = report["audiences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["link_opens"].as_u64().unwrap())
        .sum();
    assert_eq!(opens, codes.len() as u64, "{report:#}");
    assert_eq!(
        audience(&report, "brochure")["link_opens_by_target"]["home"],
        2
    );
}

#[test]
fn prefetches_and_prerenders_are_not_views() {
    let site = Site::fixture("referrals");
    let time = |s: i64| time_text(Format::Json, start() + Duration::seconds(s));
    let entry = |at: i64, ip: &str, target: &str, purpose: &str| {
        serde_json::json!({
            "time_iso8601": time(at),
            "remote_addr": ip,
            "request": format!("GET {target} HTTP/1.1"),
            "status": 200,
            "http_user_agent": WECHAT,
            "http_sec_purpose": purpose,
        })
        .to_string()
    };
    let log = [
        // A chat app prefetches the tracked link it shows: no arrival.
        entry(0, "203.0.113.10", TRACKED, "prefetch"),
        // The visitor opens it, and the browser prerenders a park page they then never open.
        entry(10, "203.0.113.10", TRACKED, ""),
        entry(
            20,
            "203.0.113.10",
            "/invest/parks/zhizao/",
            "prefetch;prerender",
        ),
        entry(
            30,
            "203.0.113.10",
            "/invest/parks/data-lake/tenants/cloud-co/",
            "",
        ),
    ]
    .join("\n");
    let path = write_log(&site, "access.log", log.as_bytes());
    let report = json(&site, &[&path], &[]);
    let beijing = audience(&report, "beijing-chamber");
    assert_eq!(beijing["arrivals"], 1, "{report:#}");
    assert_eq!(beijing["page_views"], 1, "{report:#}");
    assert_eq!(
        beijing["parks"],
        serde_json::json!({"data-lake": 2}),
        "{report:#}"
    );
    assert_eq!(report["malformed"], 0);
}

/// The example line of each format in the README's table, with the format it documents.
fn readme_examples() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let table = readme
        .split("**Formats** (one documented example each")
        .nth(1)
        .expect("the README's table of log formats");
    let names = [
        ("nginx/Apache combined", "combined"),
        ("common (", "common"),
        ("Aliyun CDN", "aliyun-cdn"),
        ("Aliyun OSS", "aliyun-oss"),
        ("Tencent Cloud CDN", "tencent-cdn"),
        ("Tencent Cloud COS", "tencent-cos"),
        ("JSON lines", "json-lines"),
    ];
    table
        .lines()
        .skip_while(|l| !l.starts_with("| format"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let (_, name) = names
                .iter()
                .find(|(start, _)| row.starts_with(&format!("| {start}")))
                .unwrap_or_else(|| panic!("a README row of no known format: {row}"));
            let example = row
                .trim_end_matches(" |")
                .rsplit(" | `")
                .next()
                .and_then(|e| e.strip_suffix('`'))
                .unwrap_or_else(|| panic!("no example in {row}"));
            ((*name).to_owned(), example.to_owned())
        })
        .collect()
}

#[test]
fn every_format_documented_in_the_readme_is_read_as_documented() {
    let site = Site::fixture("referrals");
    let examples = readme_examples();
    let mut names: Vec<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "aliyun-cdn",
            "aliyun-oss",
            "combined",
            "common",
            "json-lines",
            "tencent-cdn",
            "tencent-cos"
        ],
        "one example per format"
    );
    for (name, example) in examples {
        let path = write_log(
            &site,
            &format!("{name}.log"),
            format!("{example}\n").as_bytes(),
        );
        let report = json(&site, &[&path], &[]);
        assert_eq!(report["files"][0]["format"], name.as_str(), "{example}");
        assert_eq!(report["malformed"], 0, "{name}: {report:#}");
        let beijing = audience(&report, "beijing-chamber");
        assert_eq!(beijing["arrivals"], 1, "{name}: {report:#}");
        assert_eq!(beijing["first"], "2026-03-02", "{name}: {report:#}");
        assert_eq!(
            beijing["parks"],
            serde_json::json!({"data-lake": 1}),
            "{name}"
        );
    }
}
