//! The internal share kit in `share-kit/`: per audience and target the short link, the tracked
//! link, QR codes (SVG for print, PNG for chat) and a ready-to-send message; `links.csv` for the
//! bureau's records. Never deployed: no part of it goes into `output/`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::qr::Matrix;
use super::{ShareLink, ShareLinks};
use crate::diagnostics::Diagnostic;
use crate::files::{Contents, OutputFile};
use crate::model::Site;
use crate::theme::Theme;

/// Pixels per module of the PNG codes: about 4 cm at 300 dpi for a short link.
const PNG_SCALE: u32 = 12;

/// Width and height of a poster in pixels.
pub const POSTER_SIZE: (u32, u32) = (1080, 1920);

/// Path of a link's poster in the kit.
pub fn poster_path(link: &ShareLink) -> String {
    format!("posters/{}/{}.png", link.audience, link.target)
}

/// Path of a QR file in the kit.
pub fn qr_path(link: &ShareLink, extension: &str) -> String {
    format!("qr/{}/{}.{extension}", link.audience, link.target)
}

/// Every file of the kit but the posters; `posters` are the paths of those made, which its page
/// shows with download links.
pub fn kit_files(
    site: &Site,
    theme: &Theme,
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
        contents: Contents::Bytes(index_html(site, theme, links, &kit, posters)?.into_bytes()),
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

/// The kit page's context (theme template `internal/share-kit.html`), in the site's default
/// language.
#[derive(Serialize)]
struct KitPage<'a> {
    lang: &'a str,
    zone: &'a str,
    t: BTreeMap<&'a str, &'a str>,
    audiences: Vec<KitAudience<'a>>,
}

/// One audience's section of the kit page.
#[derive(Serialize)]
struct KitAudience<'a> {
    name: &'a str,
    /// The name in the audience's own language, when it differs.
    own_name: Option<&'a str>,
    key: &'a str,
    medium: &'a str,
    campaign: Option<&'a str>,
    language: &'a str,
    links: Vec<KitLink<'a>>,
}

/// One row: a target's links, QR files, message and poster.
#[derive(Serialize)]
struct KitLink<'a> {
    /// The zone home page (the template names it), not a park.
    home: bool,
    title: &'a str,
    short_url: &'a str,
    tracked_url: &'a str,
    message: &'a str,
    qr_svg: String,
    qr_png: String,
    poster: Option<KitPoster>,
}

/// A poster of the kit, shown at a twelfth of its size with a download link.
#[derive(Serialize)]
struct KitPoster {
    path: String,
    download: String,
    width: u32,
    height: u32,
}

fn index_html(
    site: &Site,
    theme: &Theme,
    links: &ShareLinks,
    kit: &[&ShareLink],
    posters: &BTreeSet<String>,
) -> Result<String, Diagnostic> {
    let default = site.default_lang();
    let audiences = links
        .audiences
        .iter()
        .filter(|a| !a.builtin || (a.key == super::BROCHURE && a.language == default))
        .map(|audience| KitAudience {
            name: &audience.name,
            own_name: (audience.own_name != audience.name).then_some(audience.own_name.as_str()),
            key: &audience.key,
            medium: &audience.medium,
            campaign: audience.campaign.as_deref(),
            language: &audience.language,
            links: kit
                .iter()
                .filter(|l| l.audience == audience.key && l.language == audience.language)
                .map(|link| KitLink {
                    home: link.target == super::HOME,
                    title: &link.title,
                    short_url: &link.short_url,
                    tracked_url: &link.tracked_url,
                    message: &link.message,
                    qr_svg: qr_path(link, "svg"),
                    qr_png: qr_path(link, "png"),
                    poster: poster(link, posters),
                })
                .collect(),
        })
        .filter(|a| !a.links.is_empty())
        .collect();
    let page = KitPage {
        lang: &site.languages[0].tag,
        zone: site.zone.name.get(default),
        t: theme.strings_for(default, default),
        audiences,
    };
    theme.render_internal("internal/share-kit.html", &page)
}

/// The link's poster, when one was made.
fn poster(link: &ShareLink, posters: &BTreeSet<String>) -> Option<KitPoster> {
    let path = poster_path(link);
    let (width, height) = POSTER_SIZE;
    posters.contains(&path).then(|| KitPoster {
        download: format!("{}-{}.png", link.audience, link.target),
        path,
        width: width / 12,
        height: height / 12,
    })
}
