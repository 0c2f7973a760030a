//! Links to the site's own domain: a policy's `source_url`, a tenant's website, a news source or
//! an absolute link in a Markdown body that names `base_url`'s host must lead to a file the site
//! contains, or the printed brochure sends investors to a 404.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::model::{Pos, Site};

use super::bodies;
use super::release::host_of;

/// Every link to the site's own domain (under its `base_url` path) that names no file of
/// `files` (output paths, `/`-separated), as `broken-link` errors.
pub fn same_domain_links(site: &Site, files: &BTreeSet<String>) -> Vec<Diagnostic> {
    let own = OwnSite::new(&site.base_url, files);
    let mut out = Vec::new();
    let mut field = |url: &str, what: String, file: Option<&Arc<SourceFile>>| {
        if let Some(path) = own.missing(url) {
            let d = broken(url, &path, &what);
            out.push(match file.and_then(|f| f.text.find(url).map(|o| (f, o))) {
                Some((file, offset)) => Pos {
                    file: file.clone(),
                    offset,
                }
                .place(d),
                None => d,
            });
        }
    };
    for park in &site.parks {
        let file = park.name.pos().map(|p| &p.file);
        for policy in &park.policies {
            if let Some(url) = &policy.source_url {
                let what = format!(
                    "the `source_url` of policy `{}` of park `{}`",
                    policy.key, park.key
                );
                field(url, what, file);
            }
        }
        for tenant in &park.tenants {
            if let Some(url) = &tenant.website {
                let file = tenant.name.pos().map(|p| &p.file);
                field(
                    url,
                    format!("the `website` of tenant `{}`", tenant.key),
                    file,
                );
            }
        }
    }
    for news in &site.news {
        if let Some((_, Some(url))) = &news.source {
            let file = news.title.pos().map(|p| &p.file);
            field(url, format!("the source of news `{}`", news.key), file);
        }
    }
    for (body, what) in bodies(site) {
        for source in &body.sources {
            let text = source.file.text.get(source.start..).unwrap_or_default();
            for (offset, url) in own.links_in(text) {
                if let Some(path) = own.missing(url) {
                    out.push(broken(url, &path, &what).at(&source.file, source.start + offset));
                }
            }
        }
    }
    out
}

fn broken(url: &str, path: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "broken-link",
        format!("broken link `{url}` in {what}: the site has no `{path}`, and the link is on its own domain"),
    )
    .with_hint("add the file under content/ (it is published beside the page), link the `@/` page it means, or fix the address")
}

/// The site's own origin and path, and the files it publishes.
struct OwnSite<'a> {
    host: String,
    prefix: String,
    files: &'a BTreeSet<String>,
}

impl<'a> OwnSite<'a> {
    fn new(base_url: &str, files: &'a BTreeSet<String>) -> Self {
        let urls = crate::urls::Urls::new(base_url, "");
        Self {
            host: host_of(base_url),
            prefix: urls.prefix().to_owned(),
            files,
        }
    }

    /// The output path `url` names when it is on this site and the site lacks it.
    fn missing(&self, url: &str) -> Option<String> {
        let scheme_end = url.find("://")?;
        if !matches!(&url[..scheme_end].to_lowercase()[..], "http" | "https")
            || host_of(url) != self.host
        {
            return None;
        }
        let rest = &url[scheme_end + 3..];
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let path = path.strip_prefix(&self.prefix)?;
        if !(path.is_empty() || path.starts_with('/')) {
            return None;
        }
        let path = path.trim_start_matches('/');
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.to_owned(), format!("{path}/index.html")]
        };
        if candidates.iter().any(|c| self.files.contains(c)) {
            None
        } else {
            Some(format!("/{path}"))
        }
    }

    /// Absolute links to this host in Markdown text, with their byte offsets.
    fn links_in<'t>(&self, text: &'t str) -> Vec<(usize, &'t str)> {
        let mut found = Vec::new();
        for scheme in ["https://", "http://"] {
            for (start, _) in text.match_indices(scheme) {
                let rest = &text[start..];
                let end = rest
                    .find(|c: char| {
                        c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '<' | '>' | ']')
                    })
                    .unwrap_or(rest.len());
                let url = rest[..end].trim_end_matches(['.', ',', ';', '。', '，']);
                if host_of(url) == self.host {
                    found.push((start, url));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_files_under_the_base_path() {
        let files: BTreeSet<String> = ["index.html", "parks/a/index.html", "pdf/zone.zh.pdf"]
            .map(String::from)
            .into();
        let own = OwnSite::new("https://invest.jibei.gov.cn/invest", &files);
        let missing = |url| own.missing(url);
        assert_eq!(missing("https://invest.jibei.gov.cn/invest/parks/a/"), None);
        assert_eq!(missing("https://invest.jibei.gov.cn/invest/parks/a"), None);
        assert_eq!(missing("https://invest.jibei.gov.cn/invest/"), None);
        assert_eq!(
            missing("https://invest.jibei.gov.cn/invest/pdf/zone.zh.pdf#p2"),
            None
        );
        assert_eq!(
            missing("https://invest.jibei.gov.cn/invest/docs/support-2025.pdf"),
            Some("/docs/support-2025.pdf".into())
        );
        // Other sites on the same host, and other hosts, are not ours to judge.
        assert_eq!(missing("https://invest.jibei.gov.cn/other/x.pdf"), None);
        assert_eq!(missing("https://invest.jibei.gov.cn/investors/x.pdf"), None);
        assert_eq!(missing("https://www.gov.cn/docs/x.pdf"), None);
    }
}
