//! What the logs are read against: the site's audiences, short-link codes, parks (with their old
//! keys), languages and the path of `base_url`, taken from the resolved site and the share kit's
//! codes.

use std::collections::HashMap;

use crate::model::Site;
use crate::share;
use crate::urls::Urls;

/// An audience the report has a row for.
#[derive(Debug, Clone)]
pub struct AudienceName {
    /// Key (utm_source).
    pub key: String,
    /// Name in each site language, default first.
    pub names: Vec<(String, String)>,
    /// Built-in (`brochure`, `site`): listed only when it brought someone.
    pub builtin: bool,
}

impl AudienceName {
    /// Name in the default language.
    pub fn name(&self) -> &str {
        self.names.first().map_or(self.key.as_str(), |(_, n)| n)
    }

    /// The names in every language, each once: `北京济阳商会 / Jiyang Chamber of Commerce in Beijing`.
    pub fn all_names(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        for (_, name) in &self.names {
            if !seen.contains(&name.as_str()) {
                seen.push(name);
            }
        }
        seen.join(" / ")
    }
}

/// What a request path is on this site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// `s/<code>/`: a short link.
    ShortLink(&'a str),
    /// `pdf/…`.
    Pdf,
    /// A page, with the park it shows (`parks/<key>/…` in any language, old keys too).
    Page(Option<&'a str>),
    /// A file that is no page (image, style sheet, feed, search index).
    Asset,
    /// Not under the site's `base_url` path.
    Elsewhere,
}

/// The site as the logs see it.
#[derive(Debug, Clone)]
pub struct SiteMap {
    prefix: String,
    other_languages: Vec<String>,
    /// Audiences: configured ones, then `brochure` and `site`.
    pub audiences: Vec<AudienceName>,
    audience_index: HashMap<String, usize>,
    codes: HashMap<String, (usize, String)>,
    parks: HashMap<String, String>,
    /// Park keys and names in the default language, in listing order.
    pub park_names: Vec<(String, String)>,
    /// Language codes, default first.
    pub languages: Vec<String>,
}

/// Names of the built-in audiences, which have no entry in audiences.toml.
fn builtin_name(key: &str, lang: &str) -> String {
    let zh = lang == "zh" || lang.starts_with("zh-");
    match (key, zh) {
        (share::BROCHURE, true) => "宣传册与单页二维码",
        (share::BROCHURE, false) => "Brochure and flyer QR codes",
        (_, true) => "网站二维码",
        (_, false) => "Website QR code",
    }
    .to_owned()
}

impl SiteMap {
    /// From the resolved site.
    pub fn new(site: &Site) -> Self {
        let languages: Vec<String> = site.languages.iter().map(|l| l.code.clone()).collect();
        let mut audiences: Vec<AudienceName> = site
            .audiences
            .iter()
            .map(|a| AudienceName {
                key: a.key.clone(),
                names: languages
                    .iter()
                    .map(|l| (l.clone(), a.name.get(l).to_owned()))
                    .collect(),
                builtin: false,
            })
            .collect();
        for key in [share::BROCHURE, share::SITE] {
            audiences.push(AudienceName {
                key: key.to_owned(),
                names: languages
                    .iter()
                    .map(|l| (l.clone(), builtin_name(key, l)))
                    .collect(),
                builtin: true,
            });
        }
        let audience_index: HashMap<String, usize> = audiences
            .iter()
            .enumerate()
            .map(|(i, a)| (a.key.clone(), i))
            .collect();
        let codes = share::short_codes(site)
            .into_iter()
            .filter_map(|c| Some((c.code, (*audience_index.get(&c.audience)?, c.target))))
            .collect();
        let parks = site
            .parks
            .iter()
            .flat_map(|p| {
                std::iter::once((p.key.clone(), p.key.clone()))
                    .chain(p.aliases.iter().map(|a| (a.clone(), p.key.clone())))
            })
            .collect();
        let default = site.default_lang();
        Self {
            prefix: Urls::new(&site.base_url, default).prefix().to_owned(),
            other_languages: languages[1..].to_vec(),
            audiences,
            audience_index,
            codes,
            parks,
            park_names: site
                .parks
                .iter()
                .map(|p| (p.key.clone(), p.name.get(default).to_owned()))
                .collect(),
            languages,
        }
    }

    /// The audience with this utm_source.
    pub fn audience(&self, key: &str) -> Option<usize> {
        self.audience_index.get(key).copied()
    }

    /// The audience and target (`home` or a park key) of a short code.
    pub fn short_link(&self, code: &str) -> Option<&(usize, String)> {
        self.codes.get(code)
    }

    /// The park's name in the default language (its key when it is no longer on the site).
    pub fn park_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.park_names
            .iter()
            .find(|(k, _)| k == key)
            .map_or(key, |(_, n)| n)
    }

    /// What a request path (without its query) is.
    pub fn classify<'a>(&'a self, path: &'a str) -> Resource<'a> {
        let Some(rest) = path.strip_prefix(self.prefix.as_str()) else {
            return Resource::Elsewhere;
        };
        let Some(rest) = rest.strip_prefix('/').or(rest.is_empty().then_some("")) else {
            return Resource::Elsewhere;
        };
        if let Some(code) = rest.strip_prefix("s/") {
            let code = code.strip_suffix("index.html").unwrap_or(code);
            let code = code.strip_suffix('/').unwrap_or(code);
            return if code.is_empty() || code.contains('/') {
                Resource::Asset
            } else {
                Resource::ShortLink(code)
            };
        }
        if rest.starts_with("pdf/") {
            return Resource::Pdf;
        }
        let rest = match rest.split_once('/') {
            Some((lang, after)) if self.other_languages.iter().any(|l| l == lang) => after,
            _ if self.other_languages.iter().any(|l| l == rest) => "",
            _ => rest,
        };
        let last = rest.rsplit('/').next().unwrap_or("");
        if last.contains('.') && !last.ends_with(".html") && !last.ends_with(".htm") {
            return Resource::Asset;
        }
        let park = rest
            .strip_prefix("parks/")
            .and_then(|p| p.split('/').next())
            .and_then(|key| self.parks.get(key))
            .map(String::as_str);
        Resource::Page(park)
    }
}
