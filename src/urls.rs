//! Every URL the site uses, built in one place: root-relative links that include the path of
//! `base_url`, and absolute URLs for canonical, Open Graph, sitemap and feeds.

/// What [`Urls::file`] percent-encodes: everything but RFC 3986 unreserved characters and `/`.
const FILE_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Where the PDFs are, relative to the output folder: one place for the pages that link them
/// and the typesetter that writes them.
pub mod pdf {
    /// The zone brochure in `lang`.
    pub fn zone(lang: &str) -> String {
        format!("pdf/zone.{lang}.pdf")
    }

    /// A park's brochure in `lang`.
    pub fn park(park: &str, lang: &str) -> String {
        format!("pdf/parks/{park}.{lang}.pdf")
    }

    /// A park's one-page flyer in `lang`.
    pub fn flyer(park: &str, lang: &str) -> String {
        format!("pdf/flyers/{park}.{lang}.pdf")
    }
}

/// Builds URLs for one site.
#[derive(Debug, Clone)]
pub struct Urls {
    origin: String,
    prefix: String,
    default_lang: String,
}

impl Urls {
    /// From `base_url` (e.g. `https://example.gov.cn/invest`) and the default language.
    pub fn new(base_url: &str, default_lang: &str) -> Self {
        let base = base_url.trim_end_matches('/');
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let (origin, prefix) = match base[after_scheme..].find('/') {
            Some(slash) => base.split_at(after_scheme + slash),
            None => (base, ""),
        };
        Self {
            origin: origin.to_owned(),
            prefix: prefix.trim_end_matches('/').to_owned(),
            default_lang: default_lang.to_owned(),
        }
    }

    /// The path of `base_url`, e.g. `/invest`, or empty.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Root-relative URL of a page `path` (like `parks/data-lake/`, or empty for home) in `lang`.
    pub fn page(&self, lang: &str, path: &str) -> String {
        if lang == self.default_lang {
            format!("{}/{}", self.prefix, path)
        } else {
            format!("{}/{}/{}", self.prefix, lang, path)
        }
    }

    /// Root-relative URL of something that exists once, not per language (assets, `pdf/`, `s/`).
    pub fn root(&self, path: &str) -> String {
        format!("{}/{}", self.prefix, path.trim_start_matches('/'))
    }

    /// Root-relative URL of a file named by content (an image, an attachment): like
    /// [`Urls::root`], with every character of the path but unreserved ones and `/`
    /// percent-encoded, so a name like `封面 图片.png` or `a,b.png` stays one URL in `src`, `srcset`
    /// and `og:image`.
    pub fn file(&self, path: &str) -> String {
        self.root(&percent_encoding::utf8_percent_encode(path, FILE_PATH).to_string())
    }

    /// Absolute URL of a root-relative URL made by [`Urls::page`] or [`Urls::root`].
    pub fn absolute(&self, root_relative: &str) -> String {
        format!("{}{}", self.origin, root_relative)
    }

    /// The output file of a page path: `parks/x/` → `[lang/]parks/x/index.html`.
    pub fn page_file(&self, lang: &str, path: &str) -> String {
        self.lang_file(lang, &format!("{path}index.html"))
    }

    /// The output path of a file that exists per language: `[lang/]path`.
    pub fn lang_file(&self, lang: &str, path: &str) -> String {
        if lang == self.default_lang {
            path.to_owned()
        } else {
            format!("{lang}/{path}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Urls;

    #[test]
    fn keeps_base_path_in_links() {
        let urls = Urls::new("https://example.gov.cn/invest/", "zh");
        assert_eq!(urls.page("zh", "parks/a/"), "/invest/parks/a/");
        assert_eq!(urls.page("en", ""), "/invest/en/");
        assert_eq!(urls.root("pdf/zone.zh.pdf"), "/invest/pdf/zone.zh.pdf");
        assert_eq!(
            urls.absolute(&urls.page("en", "news/")),
            "https://example.gov.cn/invest/en/news/"
        );
        assert_eq!(urls.page_file("en", "parks/a/"), "en/parks/a/index.html");
    }

    #[test]
    fn file_names_are_percent_encoded() {
        let urls = Urls::new("https://example.gov.cn/invest/", "zh");
        assert_eq!(
            urls.file("parks/a/封面 图片.png"),
            "/invest/parks/a/%E5%B0%81%E9%9D%A2%20%E5%9B%BE%E7%89%87.png"
        );
        assert_eq!(urls.file("a,b 1x.png"), "/invest/a%2Cb%201x.png");
        assert_eq!(urls.file("x\"'<>#?.png"), "/invest/x%22%27%3C%3E%23%3F.png");
        assert_eq!(
            urls.file("parks/a/logo_1-2.v~3.png"),
            "/invest/parks/a/logo_1-2.v~3.png"
        );
    }

    #[test]
    fn bare_domain_has_no_prefix() {
        let urls = Urls::new("https://invest.example.gov.cn", "zh");
        assert_eq!(urls.page("zh", ""), "/");
        assert_eq!(urls.absolute("/"), "https://invest.example.gov.cn/");
    }
}
