//! Share kit: a tracked link per audience and target (the zone home, each park), a short link on the
//! site's own domain for each (`s/<code>/`), QR codes of the short links, and ready-to-send messages.
//!
//! Codes are derived from the audience and target keys alone, so they survive every content edit
//! and every build; a park's `aliases` keep the codes of its old keys working.

pub mod kit;
pub mod qr;

use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::files::{Contents, OutputFile};
use crate::model::Site;
use crate::theme::Theme;
use crate::urls::Urls;

/// The audience of the QR codes printed on brochures and flyers.
pub const BROCHURE: &str = "brochure";
/// The audience of the "scan to open on your phone" QR code on web pages.
pub const SITE: &str = "site";
/// The target key of the zone's home page.
pub const HOME: &str = "home";

/// Someone links are sent to.
#[derive(Debug, Clone, Serialize)]
pub struct AudienceInfo {
    /// Key (utm_source).
    pub key: String,
    /// Name in the site's default language.
    pub name: String,
    /// Name in the audience's own language.
    pub own_name: String,
    /// utm_medium.
    pub medium: String,
    /// Language links open in (built-in audiences: every language).
    pub language: String,
    /// utm_campaign.
    pub campaign: Option<String>,
    /// `brochure` or `site`.
    pub builtin: bool,
}

/// One tracked link with its short link.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    /// Audience key.
    pub audience: String,
    /// `home` or a park key.
    pub target: String,
    /// Language of the page it opens.
    pub language: String,
    /// Short code.
    pub code: String,
    /// Absolute short link (`base_url/s/<code>/`).
    pub short_url: String,
    /// Absolute tracked link with utm parameters.
    pub tracked_url: String,
    /// Name of the target in the link's language.
    pub title: String,
    /// A message ready to paste into WeChat, in the link's language.
    pub message: String,
}

/// Every share link of the site.
#[derive(Debug, Default)]
pub struct ShareLinks {
    /// Audiences: configured ones first, then the built-in ones.
    pub audiences: Vec<AudienceInfo>,
    /// Links of configured audiences and built-ins, in audience and target order.
    pub links: Vec<ShareLink>,
    /// Codes of old park keys and the tracked links they forward to.
    pub alias_redirects: Vec<(String, String)>,
    index: HashMap<(String, String, String), usize>,
}

/// The short code of an audience and target: 6 characters of `[a-z0-9]` from a hash of the keys.
pub fn short_code(audience: &str, target: &str) -> String {
    let mut n = xxhash_rust::xxh3::xxh3_64(format!("{audience}\0{target}").as_bytes());
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..6)
        .map(|_| {
            let c = digits[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// `url?utm_source=…&utm_medium=…[&utm_campaign=…]`.
pub fn tracked(url: &str, source: &str, medium: &str, campaign: Option<&str>) -> String {
    let mut out = format!(
        "{url}?utm_source={}&utm_medium={}",
        encode(source),
        encode(medium)
    );
    if let Some(campaign) = campaign.filter(|c| !c.is_empty()) {
        out.push_str("&utm_campaign=");
        out.push_str(&encode(campaign));
    }
    out
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl ShareLinks {
    /// A hash of every audience, link and redirect: what a page rendered with `share_link`
    /// depends on.
    pub fn fingerprint(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(
            format!(
                "{:?}{:?}{:?}",
                self.audiences, self.links, self.alias_redirects
            )
            .as_bytes(),
        )
    }

    /// Builds every link; duplicate codes are errors.
    pub fn new(site: &Site, urls: &Urls, theme: &Theme) -> (Self, Vec<Diagnostic>) {
        let default = site.default_lang();
        let mut audiences: Vec<AudienceInfo> = site
            .audiences
            .iter()
            .map(|a| AudienceInfo {
                key: a.key.clone(),
                name: a.name.get(default).to_owned(),
                own_name: a.name.get(&a.language).to_owned(),
                medium: a.channel.code().to_owned(),
                language: a.language.clone(),
                campaign: a.campaign.clone(),
                builtin: false,
            })
            .collect();
        for (key, medium) in [(BROCHURE, "print"), (SITE, "qr")] {
            for lang in &site.languages {
                audiences.push(AudienceInfo {
                    key: key.to_owned(),
                    name: theme
                        .string(default, default, &format!("share.audience.{key}"))
                        .to_owned(),
                    own_name: theme
                        .string(&lang.code, default, &format!("share.audience.{key}"))
                        .to_owned(),
                    medium: medium.to_owned(),
                    language: lang.code.clone(),
                    campaign: None,
                    builtin: true,
                });
            }
        }
        let mut targets: Vec<(String, String)> = vec![(HOME.to_owned(), String::new())];
        targets.extend(
            site.parks
                .iter()
                .map(|p| (p.key.clone(), format!("parks/{}/", p.key))),
        );

        let mut links = Links::default();
        for audience in &audiences {
            for (target, path) in &targets {
                let lang = audience.language.as_str();
                let code_target = code_target(audience, target, default);
                let (title, summary) = if target == HOME {
                    let zone = &site.zone;
                    (
                        zone.name.get(lang).to_owned(),
                        zone.summary.as_ref().map(|s| s.get(lang).to_owned()),
                    )
                } else {
                    let park = site.park(target);
                    (
                        park.map(|p| p.name.get(lang).to_owned())
                            .unwrap_or_default(),
                        park.map(|p| {
                            p.summary
                                .as_ref()
                                .unwrap_or(&p.positioning)
                                .get(lang)
                                .to_owned()
                        }),
                    )
                };
                let code = short_code(&audience.key, &code_target);
                let short_url = urls.absolute(&urls.root(&format!("s/{code}/")));
                let tracked_url = tracked(
                    &urls.absolute(&urls.page(lang, path)),
                    &audience.key,
                    &audience.medium,
                    audience.campaign.as_deref(),
                );
                let message = message(
                    theme,
                    site,
                    lang,
                    target == HOME,
                    &title,
                    summary.as_deref(),
                    &short_url,
                );
                links.push(ShareLink {
                    audience: audience.key.clone(),
                    target: target.clone(),
                    language: lang.to_owned(),
                    code,
                    short_url,
                    tracked_url,
                    title,
                    message,
                });
            }
            for park in &site.parks {
                for alias in &park.aliases {
                    let code = short_code(&audience.key, &code_target(audience, alias, default));
                    let path = format!("parks/{}/", park.key);
                    let url = tracked(
                        &urls.absolute(&urls.page(&audience.language, &path)),
                        &audience.key,
                        &audience.medium,
                        audience.campaign.as_deref(),
                    );
                    links.aliases.push((code, url));
                }
            }
        }
        let diagnostics = links.duplicate_codes();
        let Links { list, aliases } = links;
        let index = list
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    (l.audience.clone(), l.target.clone(), l.language.clone()),
                    i,
                )
            })
            .collect();
        (
            Self {
                audiences,
                links: list,
                alias_redirects: aliases,
                index,
            },
            diagnostics,
        )
    }

    /// The link of `audience` to `target` (`home` or a park key) in `lang`.
    pub fn get(&self, audience: &str, target: &str, lang: &str) -> Option<&ShareLink> {
        self.index
            .get(&(audience.to_owned(), target.to_owned(), lang.to_owned()))
            .map(|i| &self.links[*i])
    }

    /// Links of the configured audiences (and the brochure's, in the default language): the kit.
    pub fn kit_links<'a>(
        &'a self,
        default_lang: &'a str,
    ) -> impl Iterator<Item = &'a ShareLink> + 'a {
        self.links.iter().filter(move |l| {
            l.audience != SITE && (l.audience != BROCHURE || l.language == default_lang)
        })
    }

    /// `s/<code>/index.html` for every link and old park key: a page that forwards to the tracked link.
    pub fn redirect_pages(&self) -> Vec<OutputFile> {
        let mut seen = std::collections::HashSet::new();
        self.links
            .iter()
            .map(|l| (&l.code, &l.tracked_url))
            .chain(self.alias_redirects.iter().map(|(c, u)| (c, u)))
            .filter(|(code, _)| seen.insert((*code).clone()))
            .map(|(code, url)| OutputFile {
                path: format!("s/{code}/index.html"),
                contents: Contents::Bytes(redirect_html(url).into_bytes()),
            })
            .collect()
    }
}

/// The key a code is derived from: built-in audiences have one link per language.
fn code_target(audience: &AudienceInfo, target: &str, default_lang: &str) -> String {
    builtin_code_target(
        (audience.builtin && audience.language != default_lang).then_some(&audience.language),
        target,
    )
}

/// `<lang>/<target>` for a built-in audience's link in a language other than the default.
fn builtin_code_target(other_lang: Option<&String>, target: &str) -> String {
    match other_lang {
        Some(lang) => format!("{lang}/{target}"),
        None => target.to_owned(),
    }
}

/// A short code and what its page `s/<code>/` forwards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeTarget {
    /// The short code.
    pub code: String,
    /// Audience key (a configured audience, `brochure` or `site`).
    pub audience: String,
    /// `home` or a park key (an old key's code names the park's current key).
    pub target: String,
}

/// Every short code of the site, old park keys included, derived as [`ShareLinks::new`] derives
/// them but without the theme: what `referrals` reads `s/<code>/` requests with.
pub fn short_codes(site: &Site) -> Vec<CodeTarget> {
    let default = site.default_lang();
    let mut audiences: Vec<(&str, Option<&String>)> = site
        .audiences
        .iter()
        .map(|a| (a.key.as_str(), None))
        .collect();
    for key in [BROCHURE, SITE] {
        for lang in &site.languages {
            audiences.push((key, (lang.code != default).then_some(&lang.code)));
        }
    }
    let mut out = Vec::new();
    for (audience, other_lang) in audiences {
        let targets = std::iter::once((HOME, HOME)).chain(site.parks.iter().flat_map(|p| {
            std::iter::once((p.key.as_str(), p.key.as_str()))
                .chain(p.aliases.iter().map(|a| (a.as_str(), p.key.as_str())))
        }));
        for (code_key, target) in targets {
            out.push(CodeTarget {
                code: short_code(audience, &builtin_code_target(other_lang, code_key)),
                audience: audience.to_owned(),
                target: target.to_owned(),
            });
        }
    }
    out
}

#[derive(Default)]
struct Links {
    list: Vec<ShareLink>,
    aliases: Vec<(String, String)>,
}

impl Links {
    fn push(&mut self, link: ShareLink) {
        self.list.push(link);
    }

    fn duplicate_codes(&self) -> Vec<Diagnostic> {
        let mut owners: HashMap<&str, String> = HashMap::new();
        let mut out = Vec::new();
        let named = self
            .list
            .iter()
            .map(|l| {
                (
                    l.code.as_str(),
                    format!("{} → {} ({})", l.audience, l.target, l.language),
                )
            })
            .chain(
                self.aliases
                    .iter()
                    .map(|(c, u)| (c.as_str(), format!("old park key → {u}"))),
            );
        for (code, owner) in named {
            if let Some(first) = owners.get(code) {
                if *first != owner {
                    out.push(
                        Diagnostic::error("duplicate-short-code", format!("short link code `{code}` is shared by {first} and {owner}"))
                            .with_hint("rename one of the audience keys in audiences.toml (codes come from the audience and park keys)"),
                    );
                }
            } else {
                owners.insert(code, owner);
            }
        }
        out
    }
}

/// A ready-to-send message: the theme's `share.message_home` / `share.message_park` with
/// `{zone}`, `{name}`, `{summary}` and `{link}` filled in.
fn message(
    theme: &Theme,
    site: &Site,
    lang: &str,
    home: bool,
    name: &str,
    summary: Option<&str>,
    link: &str,
) -> String {
    let key = if home {
        "share.message_home"
    } else {
        "share.message_park"
    };
    let template = theme.string(lang, site.default_lang(), key);
    let template = if template == key {
        "{name}: {summary} {link}"
    } else {
        template
    };
    template
        .replace("{zone}", site.zone.name.get(lang))
        .replace("{name}", name)
        .replace("{summary}", summary.unwrap_or(""))
        .replace("{link}", link)
}

/// The page at `s/<code>/`: forwards at once (meta refresh, and script for clients that ignore it),
/// is never indexed, and names the target as canonical.
pub fn redirect_html(target: &str) -> String {
    let canonical = target.split('?').next().unwrap_or(target);
    let href = crate::escape::escape_html(target);
    let js = serde_json::to_string(target)
        .unwrap_or_default()
        .replace("</", "<\\/");
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"robots\" content=\"noindex\">\n<title>…</title>\n<link rel=\"canonical\" href=\"{}\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n<script>location.replace({js});</script>\n</head>\n<body><p><a href=\"{href}\">{href}</a></p></body>\n</html>\n",
        crate::escape::escape_html(canonical)
    )
}

/// `share_link(target, audience, lang)`: the short link, tracked link and QR code (SVG) of a
/// target for an audience, for web and print templates alike.
pub struct ShareLinkFunction {
    links: Arc<ShareLinks>,
    print_audience: Option<String>,
}

impl ShareLinkFunction {
    /// The function over a build's links.
    pub fn new(links: &Arc<ShareLinks>) -> ShareLinkFunction {
        ShareLinkFunction {
            links: Arc::clone(links),
            print_audience: None,
        }
    }

    /// With `audience` (when given) answering for the built-in `brochure` audience: the print
    /// templates of one audience's brochures (`pdf --audience`) ask for `brochure` links and get
    /// that audience's.
    pub fn for_print_audience(mut self, audience: Option<&str>) -> ShareLinkFunction {
        self.print_audience = audience.map(str::to_owned);
        self
    }
}

/// What `share_link()` returns.
#[derive(Serialize)]
struct ShareLinkValue<'a> {
    /// The short code (`/s/<code>`).
    code: &'a str,
    /// The short URL, which the QR code encodes.
    short: &'a str,
    /// The tracked long URL.
    tracked: &'a str,
    /// The QR code as an SVG element.
    qr_svg: String,
}

impl tera::Function for ShareLinkFunction {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let arg = |name: &str| args.get(name).and_then(tera::Value::as_str);
        let target = arg("target").unwrap_or(HOME);
        let audience = match (arg("audience").unwrap_or(SITE), &self.print_audience) {
            (BROCHURE, Some(instead)) => instead.as_str(),
            (asked, _) => asked,
        };
        let lang = arg("lang").ok_or_else(|| {
            tera::Error::msg("share_link needs `lang`, e.g. share_link(target=\"data-lake\", audience=\"brochure\", lang=lang)")
        })?;
        let link = self.links.get(audience, target, lang).ok_or_else(|| {
            tera::Error::msg(format!(
                "no share link for audience `{audience}`, target `{target}`, language `{lang}` (targets: home or a park key)"
            ))
        })?;
        let qr = qr::Matrix::new(&link.short_url).map_err(tera::Error::msg)?;
        let value = tera::to_value(ShareLinkValue {
            code: &link.code,
            short: &link.short_url,
            tracked: &link.tracked_url,
            qr_svg: qr.svg(&link.short_url),
        })?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_stable_and_distinct() {
        let a = short_code("beijing-chamber", "data-lake");
        assert_eq!(a, short_code("beijing-chamber", "data-lake"));
        assert_eq!(a.len(), 6);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_ne!(a, short_code("shanghai-chamber", "data-lake"));
        assert_ne!(a, short_code("beijing-chamber", "dawo"));
    }

    #[test]
    fn tracked_links_leave_out_an_empty_campaign() {
        assert_eq!(
            tracked("https://x.cn/parks/a/", "bj", "wechat", None),
            "https://x.cn/parks/a/?utm_source=bj&utm_medium=wechat"
        );
        assert_eq!(
            tracked("https://x.cn/en/", "expo", "email", Some("2026 spring")),
            "https://x.cn/en/?utm_source=expo&utm_medium=email&utm_campaign=2026%20spring"
        );
    }

    #[test]
    fn redirect_pages_forward_and_stay_out_of_search() {
        let html = redirect_html("https://x.cn/parks/a/?utm_source=bj&utm_medium=wechat");
        assert!(html.contains(
            "content=\"0; url=https://x.cn/parks/a/?utm_source=bj&amp;utm_medium=wechat\""
        ));
        assert!(html.contains(
            "location.replace(\"https://x.cn/parks/a/?utm_source=bj&utm_medium=wechat\")"
        ));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://x.cn/parks/a/\">"));
    }
}
