//! The internal share kit in `share-kit/`: per audience and target the short link, the tracked
//! link, QR codes (SVG for print, PNG for chat) and a ready-to-send message; `links.csv` for the
//! bureau's records. Never deployed: no part of it goes into `output/`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::qr::Matrix;
use super::{ShareLink, ShareLinks};
use crate::diagnostics::Diagnostic;
use crate::escape::escape_html;
use crate::files::{Contents, OutputFile};
use crate::model::Site;

/// Pixels per module of the PNG codes: about 4 cm at 300 dpi for a short link.
const PNG_SCALE: u32 = 12;

/// Interface labels of the kit page, in Chinese or English (the kit is internal, in the site's
/// default language).
struct Labels {
    title: &'static str,
    intro: &'static str,
    target: &'static str,
    short: &'static str,
    tracked: &'static str,
    qr: &'static str,
    message: &'static str,
    home: &'static str,
    poster: &'static str,
    download: &'static str,
}

const ZH: Labels = Labels {
    title: "招商推广链接包（内部）",
    intro: "每个推广对象、每个园区一条短链接、一条带来源标记的完整链接、二维码和可直接转发的微信文案。访问统计按 utm_source 区分来源。本页仅供内部使用，不要发布。",
    target: "目标页面",
    short: "短链接",
    tracked: "完整链接（带来源标记）",
    qr: "二维码",
    message: "微信文案",
    home: "开发区首页",
    poster: "微信海报",
    download: "下载海报",
};

const EN: Labels = Labels {
    title: "Share kit (internal)",
    intro: "For each audience and target: a short link, the full tracked link, QR codes and a message ready to send in WeChat. Visits are told apart by utm_source. Internal: do not publish.",
    target: "Target",
    short: "Short link",
    tracked: "Tracked link",
    qr: "QR code",
    message: "Message",
    home: "Zone home page",
    poster: "WeChat poster",
    download: "Download poster",
};

/// Path of a QR file in the kit.
pub fn qr_path(link: &ShareLink, extension: &str) -> String {
    format!("qr/{}/{}.{extension}", link.audience, link.target)
}

/// Every file of the kit but the posters; `posters` are the paths of those made, which its page
/// shows with download links.
pub fn kit_files(
    site: &Site,
    links: &ShareLinks,
    posters: &BTreeSet<String>,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let default = site.default_lang();
    let kit: Vec<&ShareLink> = links.kit_links(default).collect();
    let mut files = Vec::new();
    for link in &kit {
        let matrix = Matrix::new(&link.short_url).map_err(|e| {
            Diagnostic::error(
                "qr-code",
                format!("cannot make a QR code of `{}`: {e}", link.short_url),
            )
        })?;
        files.push(OutputFile {
            path: qr_path(link, "svg"),
            contents: Contents::Bytes(matrix.svg(&link.short_url).into_bytes()),
        });
        files.push(OutputFile {
            path: qr_path(link, "png"),
            contents: Contents::Bytes(matrix.png(PNG_SCALE)),
        });
    }
    files.push(OutputFile {
        path: "links.csv".into(),
        contents: Contents::Bytes(csv(&kit).into_bytes()),
    });
    files.push(OutputFile {
        path: "index.html".into(),
        contents: Contents::Bytes(index_html(site, links, &kit, posters).into_bytes()),
    });
    Ok(files)
}

/// UTF-8 with a byte order mark, so Excel on Chinese Windows reads it as UTF-8.
fn csv(links: &[&ShareLink]) -> String {
    let mut out = String::from("\u{feff}audience,target,language,short_link,tracked_link\r\n");
    for l in links {
        let row = [
            &l.audience,
            &l.target,
            &l.language,
            &l.short_url,
            &l.tracked_url,
        ]
        .map(|f| csv_field(f));
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn index_html(
    site: &Site,
    links: &ShareLinks,
    kit: &[&ShareLink],
    posters: &BTreeSet<String>,
) -> String {
    let default = site.default_lang();
    let labels = if default.starts_with("zh") { &ZH } else { &EN };
    let zone = site.zone.name.get(default);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{} · {}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"intro\">{}</p>\n",
        escape_html(&site.languages[0].tag),
        escape_html(labels.title),
        escape_html(zone),
        STYLE,
        escape_html(labels.title),
        escape_html(labels.intro)
    );
    for audience in links
        .audiences
        .iter()
        .filter(|a| !a.builtin || (a.key == super::BROCHURE && a.language == default))
    {
        let rows: Vec<&&ShareLink> = kit
            .iter()
            .filter(|l| l.audience == audience.key && l.language == audience.language)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let own = if audience.own_name != audience.name {
            format!(
                " <span class=\"own\">{}</span>",
                escape_html(&audience.own_name)
            )
        } else {
            String::new()
        };
        let _ = write!(
            html,
            "<section>\n<h2>{}{own}</h2>\n<p class=\"meta\">utm_source={} · utm_medium={}{} · {}</p>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            escape_html(&audience.name),
            escape_html(&audience.key),
            escape_html(&audience.medium),
            audience
                .campaign
                .as_ref()
                .map(|c| format!(" · utm_campaign={}", escape_html(c)))
                .unwrap_or_default(),
            escape_html(&audience.language),
            labels.target,
            labels.short,
            labels.tracked,
            labels.qr,
            labels.message,
            labels.poster
        );
        for link in rows {
            let target = if link.target == super::HOME {
                labels.home.to_owned()
            } else {
                link.title.clone()
            };
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td><a href=\"{short}\">{short}</a></td><td class=\"tracked\">{}</td><td><img src=\"{svg}\" alt=\"QR {short}\" width=\"96\" height=\"96\"><br><a href=\"{svg}\">SVG</a> · <a href=\"{png}\">PNG</a></td><td><textarea readonly rows=\"4\">{}</textarea></td><td>{}</td></tr>",
                escape_html(&target),
                escape_html(&link.tracked_url),
                escape_html(&link.message),
                poster_cell(link, posters, labels),
                short = escape_html(&link.short_url),
                svg = escape_html(&qr_path(link, "svg")),
                png = escape_html(&qr_path(link, "png")),
            );
        }
        html.push_str("</tbody>\n</table>\n</section>\n");
    }
    html.push_str("<p class=\"meta\"><a href=\"links.csv\">links.csv</a></p>\n</body>\n</html>\n");
    html
}

/// A thumbnail of the link's poster linking the full picture, and a download link; empty when the
/// link has no poster.
fn poster_cell(link: &ShareLink, posters: &BTreeSet<String>, labels: &Labels) -> String {
    let path = crate::print::poster::path(link);
    if !posters.contains(&path) {
        return String::new();
    }
    let href = escape_html(&path);
    let (width, height) = crate::print::poster::SIZE;
    let name = escape_html(&format!("{}-{}.png", link.audience, link.target));
    format!(
        "<a href=\"{href}\"><img src=\"{href}\" alt=\"{} {}\" width=\"{}\" height=\"{}\" loading=\"lazy\"></a><br><a href=\"{href}\" download=\"{name}\">{}</a>",
        escape_html(labels.poster),
        escape_html(&link.title),
        width / 12,
        height / 12,
        escape_html(labels.download)
    )
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:2rem;color:#1b2733;line-height:1.6}h1{color:#0b3d62}.intro,.meta{color:#4a5866}.own{font-weight:normal;color:#4a5866;margin-left:.5em}table{border-collapse:collapse;width:100%;margin:1rem 0 2rem}th,td{border:1px solid #d5dde5;padding:.5rem;vertical-align:top;text-align:left}th{background:#eef3f7}.tracked{word-break:break-all;font-size:.85em}textarea{width:100%;min-width:14rem;font:inherit;font-size:.9em}img{display:block}";
