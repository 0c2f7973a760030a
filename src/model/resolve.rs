//! Raw content → resolved model: every cross-reference checked, every text localized, every
//! problem reported with its position (all of them, not only the first).

use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

use super::*;
use crate::content::parse::{is_slug, nearest};
use crate::content::raw::{self, RawDate, RawQuantity, RawText};
use crate::content::{Document, LoadedContent, Parsed, TranslatableFields};
use crate::diagnostics::Diagnostic;

mod tools;

/// Choices that change what the model contains.
#[derive(Debug, Clone, Copy)]
pub struct ResolveOptions {
    /// The date expiry and staleness are judged at.
    pub build_date: NaiveDate,
    /// Include drafts.
    pub drafts: bool,
}

/// Paths at the site root that content keys must not take.
pub const RESERVED: &[&str] = &[
    "parks", "tenants", "policies", "news", "search", "s", "pdf", "static", "costs", "finder",
    "carriers", "compare", "enquiry",
];

/// Resolves loaded content into a [`Site`]. Returns no site when site.toml is unusable; the
/// diagnostics always include everything found.
pub fn resolve(
    root: &Path,
    content: LoadedContent,
    options: &ResolveOptions,
) -> (Option<Site>, Vec<Diagnostic>) {
    let mut diagnostics = content.diagnostics;
    let Some(site) = content.site else {
        return (None, diagnostics);
    };
    let Some(mut cx) = Cx::new(
        &site,
        &content.assets,
        &content.escaping_links,
        &mut diagnostics,
    ) else {
        return (None, diagnostics);
    };
    let config = &site.raw;
    let loc = Loc::of(&site);
    let base_url = cx.base_url(loc, &config.base_url);
    let title = cx.text(loc, "title", &config.title);
    let description = cx.opt_text(loc, "description", config.description.as_ref());
    let notice = cx.opt_text(loc, "notice", config.notice.as_ref());
    let zone = cx.zone(loc, &config.zone);
    let enquiry = cx.enquiry(loc, config.enquiry.as_ref(), zone.email.as_ref());
    let search_engines = config
        .search_engines
        .as_ref()
        .map(|raw| cx.search_engines(loc, raw));
    let languages = cx
        .langs
        .clone()
        .iter()
        .map(|code| Language {
            code: code.clone(),
            tag: config
                .language_tags
                .get(code)
                .and_then(|tag| cx.language_tag(loc, code, tag))
                .unwrap_or_else(|| default_tag(code)),
        })
        .collect();
    let theme = config
        .theme
        .as_ref()
        .map_or_else(|| "default".to_owned(), |t| t.get_ref().clone());

    let industry_keys: HashSet<String> = zone.industries.iter().map(|i| i.key.clone()).collect();
    let loaded_keys: BTreeSet<String> = content.parks.iter().map(|p| p.key.clone()).collect();
    let mut resolved_parks: Vec<Park> = content
        .parks
        .into_iter()
        .filter_map(|p| cx.park(p, &industry_keys, options))
        .collect();
    resolved_parks.sort_by(|a, b| (a.order, &a.key).cmp(&(b.order, &b.key)));
    cx.check_park_keys(&resolved_parks);
    for park in &resolved_parks {
        for policy in &park.policies {
            cx.leave_out(policy.draft, options);
        }
    }

    let park_keys: BTreeMap<String, String> = resolved_parks
        .iter()
        .flat_map(|p| {
            std::iter::once((p.key.clone(), p.key.clone()))
                .chain(p.aliases.iter().map(|a| (a.clone(), p.key.clone())))
        })
        .collect();
    let mut resolved_news: Vec<News> = content
        .news
        .into_iter()
        .filter_map(|n| cx.news(n, &park_keys, &content.park_folders, options))
        .collect();
    resolved_news.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.key.cmp(&b.key)));
    let mut resolved_pages: Vec<Page> = content
        .pages
        .into_iter()
        .filter_map(|p| cx.page(p, options))
        .collect();
    resolved_pages.sort_by(|a, b| (a.order, &a.key).cmp(&(b.order, &b.key)));
    let resolved_audiences = content
        .audiences
        .map(|a| cx.audiences(&a))
        .unwrap_or_default();

    let stale_after_months = config.stale_after_months.unwrap_or(12);
    let raw_html = config.markdown.raw_html;
    let external_images = config.markdown.external_images;
    let translation = std::mem::take(&mut cx.translation);
    let drafts_left_out = cx.drafts_left_out;
    drop(cx);
    let site = Site {
        root: root.to_path_buf(),
        languages,
        base_url,
        theme,
        theme_pos: config.theme.as_ref().map(|t| loc.pos(t)),
        title,
        description,
        notice,
        stale_after_months,
        raw_html,
        external_images,
        zone,
        parks: resolved_parks,
        news: resolved_news,
        pages: resolved_pages,
        audiences: resolved_audiences,
        enquiry,
        search_engines,
        unloaded_parks: (content.park_folders)
            .iter()
            .filter(|key| !loaded_keys.contains(*key))
            .cloned()
            .collect(),
        assets: content.assets,
        build_date: options.build_date,
        translation,
        drafts_left_out,
    };
    (Some(site), diagnostics)
}

/// `zh` → `zh-CN` (Simplified Chinese glyphs), others unchanged.
fn default_tag(code: &str) -> String {
    match code {
        "zh" => "zh-CN".into(),
        other => other.into(),
    }
}

/// A file and the offset of its TOML, so spans can be turned into positions.
#[derive(Clone, Copy)]
struct Loc<'f> {
    file: &'f Arc<crate::diagnostics::SourceFile>,
    base: usize,
}

impl<'f> Loc<'f> {
    fn of<T>(parsed: &'f Parsed<T>) -> Self {
        Self {
            file: &parsed.file,
            base: parsed.base,
        }
    }

    fn error<T>(
        &self,
        code: &'static str,
        at: &Spanned<T>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, message).at(self.file, self.base + at.span().start)
    }

    fn pos<T>(&self, at: &Spanned<T>) -> Pos {
        Pos {
            file: Arc::clone(self.file),
            offset: self.base + at.span().start,
        }
    }
}

/// Translation overrides of one document: field → (language, text).
type Overrides = BTreeMap<String, Vec<(String, String)>>;

struct Cx<'a> {
    langs: Vec<String>,
    default: String,
    assets: &'a BTreeSet<String>,
    escaping_links: &'a BTreeSet<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
    translation: TranslationReport,
    park: Option<String>,
    /// False while resolving what will not be published (drafts, confidential tenants), so it
    /// does not count as a translation gap.
    counting: bool,
    /// Drafts of published parks and of the site left out of this build.
    drafts_left_out: usize,
}

impl<'a> Cx<'a> {
    /// Counts an item that is a draft and left out of this build (not `--drafts`).
    fn leave_out(&mut self, draft: bool, options: &ResolveOptions) {
        self.drafts_left_out += usize::from(draft && !options.drafts);
    }

    fn new(
        site: &Parsed<raw::RawSiteConfig>,
        assets: &'a BTreeSet<String>,
        escaping_links: &'a BTreeSet<String>,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let loc = Loc::of(site);
        let languages = &site.raw.languages;
        let mut langs: Vec<String> = Vec::new();
        for code in languages.get_ref() {
            let valid = !code.is_empty()
                && code.len() <= 8
                && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
            if !valid {
                diagnostics.push(
                    loc.error(
                        "invalid-language",
                        languages,
                        format!("`{code}` is not a language code"),
                    )
                    .with_hint("use lower-case codes such as \"zh\" and \"en\""),
                );
            } else if langs.contains(code) {
                diagnostics.push(loc.error(
                    "duplicate-key",
                    languages,
                    format!("language `{code}` is listed twice"),
                ));
            } else {
                langs.push(code.clone());
            }
        }
        if langs.is_empty() {
            diagnostics.push(
                loc.error("missing-field", languages, "`languages` lists no language")
                    .with_hint("write languages = [\"zh\", \"en\"]; the first is the default"),
            );
            return None;
        }
        let default = langs[0].clone();
        Some(Self {
            langs,
            default,
            assets,
            escaping_links,
            diagnostics,
            translation: TranslationReport::default(),
            park: None,
            counting: true,
            drafts_left_out: 0,
        })
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether `key` is a slug; if not, an `invalid-slug` error: "{what} `key` is not a slug".
    fn slug_key(&mut self, loc: Loc, key: &Spanned<String>, what: &str) -> bool {
        let slug = is_slug(key.get_ref());
        if !slug {
            let message = format!("{what} `{}` is not a slug", key.get_ref());
            self.push(loc.error("invalid-slug", key, message));
        }
        slug
    }

    /// Whether `key` is new to `seen`, which then has it; if not, a `duplicate-key` error:
    /// "{what} `key` {twice}".
    fn new_key(
        &mut self,
        loc: Loc,
        key: &Spanned<String>,
        seen: &mut HashSet<String>,
        (what, twice): (&str, &str),
    ) -> bool {
        let new = seen.insert(key.get_ref().clone());
        if !new {
            let message = format!("{what} `{}` {twice}", key.get_ref());
            self.push(loc.error("duplicate-key", key, message));
        }
        new
    }

    /// Site verification codes: plain tokens (letters, digits, `-`, `_`, `.`), as the search
    /// engines issue them, so nothing else can reach the home page's `<head>`.
    fn search_engines(&mut self, loc: Loc, raw: &raw::RawSearchEngines) -> SearchEngines {
        let engines = [
            ("baidu", "baidu-site-verification", &raw.baidu),
            ("bing", "msvalidate.01", &raw.bing),
            ("sogou", "sogou_site_verification", &raw.sogou),
            ("so360", "360-site-verification", &raw.so360),
        ];
        let mut verifications = Vec::new();
        for (key, meta_name, code) in engines {
            let Some(code) = code else { continue };
            let text = code.get_ref().trim();
            let token = (1..=128).contains(&text.len())
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if token {
                verifications.push((meta_name, text.to_owned()));
            } else {
                self.push(
                    loc.error(
                        "invalid-verification-code",
                        code,
                        format!("`[search_engines] {key}` is not a verification code: `{text}`"),
                    )
                    .with_hint(format!(
                        "paste only the content=\"…\" value of the `{meta_name}` meta tag the search engine gives, like \"codeva-AbC123xyz\""
                    )),
                );
            }
        }
        SearchEngines { verifications }
    }

    fn base_url(&mut self, loc: Loc, raw: &Spanned<String>) -> String {
        match crate::safe_url::check_base_url(raw.get_ref()) {
            Ok(url) => url,
            Err(problem) => {
                self.push(
                    loc.error(
                        "invalid-url",
                        raw,
                        format!("base_url `{}` {problem}", raw.get_ref()),
                    )
                    .with_hint("write it like \"https://invest.example.gov.cn\""),
                );
                raw.get_ref().trim().trim_end_matches('/').to_owned()
            }
        }
    }

    /// A `[language_tags]` value, used only when it is a BCP 47 tag (it reaches HTML `lang`
    /// attributes and Typst's `lang:` and `region:`).
    fn language_tag(&mut self, loc: Loc, code: &str, raw: &Spanned<String>) -> Option<String> {
        match crate::lang_tag::parse(raw.get_ref()) {
            Ok(_) => Some(raw.get_ref().clone()),
            Err(problem) => {
                self.push(
                    loc.error(
                        "invalid-language",
                        raw,
                        format!(
                            "the language tag for `{code}`, `{}`, {problem}",
                            raw.get_ref().escape_debug()
                        ),
                    )
                    .with_hint("write a BCP 47 tag such as \"zh-CN\", \"zh-Hans-CN\" or \"en-GB\""),
                );
                None
            }
        }
    }

    /// A link field (`website`, `source_url`…): published only when its scheme cannot run
    /// script; anything else is an error naming the field.
    fn link(&mut self, loc: Loc, field: &str, raw: &Spanned<String>) -> Option<String> {
        match crate::safe_url::check_link(raw.get_ref()) {
            Ok(()) => Some(raw.get_ref().clone()),
            Err(problem) => {
                self.push(
                    loc.error(
                        "invalid-url",
                        raw,
                        format!(
                            "`{field}` = `{}` {problem}",
                            raw.get_ref()
                        ),
                    )
                    .with_hint(format!(
                        "write an http(s) address such as \"https://www.example.com/\"; links may use {}",
                        crate::safe_url::LINK_SCHEMES.join(", ")
                    )),
                );
                None
            }
        }
    }

    /// Resolves localized text, reporting unknown languages and a missing default.
    fn text(&mut self, loc: Loc, field: &str, raw: &Spanned<RawText>) -> Text {
        self.text_with(loc, field, raw, &[])
    }

    fn text_with(
        &mut self,
        loc: Loc,
        field: &str,
        raw: &Spanned<RawText>,
        overrides: &[(String, String)],
    ) -> Text {
        let offset = loc.base + raw.span().start;
        self.localize(loc, Some(offset), field, raw.get_ref(), overrides)
    }

    fn opt_text(&mut self, loc: Loc, field: &str, raw: Option<&Spanned<RawText>>) -> Option<Text> {
        raw.map(|r| self.text(loc, field, r))
    }

    fn localize(
        &mut self,
        loc: Loc,
        offset: Option<usize>,
        field: &str,
        raw: &RawText,
        overrides: &[(String, String)],
    ) -> Text {
        let place = |d: Diagnostic| match offset {
            Some(o) => d.at(loc.file, o),
            None => d.in_file(loc.file),
        };
        let mut values = BTreeMap::new();
        match raw {
            RawText::Plain(s) => {
                for lang in &self.langs {
                    values.insert(lang.clone(), s.clone());
                }
            }
            RawText::Table(table) => {
                for lang in table.keys() {
                    if !self.langs.contains(lang) {
                        let hint = match nearest(
                            lang,
                            &self.langs.iter().map(String::as_str).collect::<Vec<_>>(),
                        ) {
                            Some(near) => format!(
                                "did you mean `{near}`? the site's languages are {}",
                                self.langs.join(", ")
                            ),
                            None => format!(
                                "the site's languages are {}; add `{lang}` to `languages` in site.toml or remove it here",
                                self.langs.join(", ")
                            ),
                        };
                        let d = place(Diagnostic::error(
                            "unknown-language",
                            format!(
                                "`{field}` has text for `{lang}`, which is not a site language"
                            ),
                        ));
                        self.push(d.with_hint(hint));
                    }
                }
                match table.get(&self.default) {
                    Some(default_text) => {
                        for lang in &self.langs {
                            values.insert(
                                lang.clone(),
                                table.get(lang).unwrap_or(default_text).clone(),
                            );
                        }
                    }
                    None => {
                        let d = place(Diagnostic::error(
                            "missing-default-language",
                            format!(
                                "`{field}` has no text in the default language `{}`",
                                self.default
                            ),
                        ));
                        self.push(
                            d.with_hint(format!("add {} = \"…\" to the table", self.default)),
                        );
                        let any = table.values().next().cloned().unwrap_or_default();
                        for lang in &self.langs {
                            values.insert(lang.clone(), table.get(lang).unwrap_or(&any).clone());
                        }
                    }
                }
            }
        }
        for (lang, text) in overrides {
            values.insert(lang.clone(), text.clone());
        }
        for text in values.values_mut() {
            if let std::borrow::Cow::Owned(clean) = crate::safe_text::without_controls(text) {
                *text = clean;
            }
        }
        for lang in self.langs.clone().iter().skip(1).filter(|_| self.counting) {
            let given = matches!(raw, RawText::Plain(_))
                || matches!(raw, RawText::Table(t) if t.contains_key(lang))
                || overrides.iter().any(|(l, _)| l == lang);
            // Chinese text on a page of a language written without Han characters is a gap too.
            let foreign_script = values
                .get(lang)
                .is_some_and(|text| super::text::is_foreign_script(text, lang));
            let present = given && !foreign_script;
            self.translation.count(lang, self.park.as_deref(), present);
            if !present {
                self.translation.missing.push(MissingTranslation {
                    foreign_script,
                    lang: lang.clone(),
                    file: loc.file.display_path.clone(),
                    line: offset.map(|o| loc.file.line_column(o).0),
                    column: offset.map(|o| loc.file.line_column(o).1),
                    field: field.to_owned(),
                    park: self.park.clone(),
                });
            }
        }
        let pos = offset.map(|offset| Pos {
            file: Arc::clone(loc.file),
            offset,
        });
        Text::new(values, &self.default).at(pos)
    }

    fn date(&self, raw: &Spanned<RawDate>) -> NaiveDate {
        raw.get_ref().0
    }

    fn quantity(&mut self, loc: Loc, field: &str, raw: &RawQuantity) -> Quantity {
        let unit = self.unit(loc, field, raw.unit.as_ref());
        Quantity {
            value: raw.value,
            unit,
        }
    }

    fn unit(&mut self, loc: Loc, field: &str, raw: Option<&RawText>) -> Unit {
        match raw {
            None => Unit::None,
            Some(RawText::Plain(code)) if MoneyUnit::from_code(code).is_some() => {
                Unit::Money(MoneyUnit::from_code(code).unwrap_or(MoneyUnit::Yuan))
            }
            Some(text) => Unit::Text(self.localize(loc, None, &format!("{field}.unit"), text, &[])),
        }
    }

    /// Checks a file reference relative to `dir` (content-relative) and returns the asset.
    fn asset(&mut self, loc: Loc, dir: &str, raw: &Spanned<String>, image: bool) -> Option<Asset> {
        let written = raw.get_ref();
        match join_content_path(dir, written) {
            Err(why) => {
                self.push(
                    loc.error("path-outside-content", raw, format!("`{written}` {why}"))
                        .with_hint("reference files inside content/ with a relative path, e.g. \"cover.jpg\""),
                );
                None
            }
            // A symlink leading out of content/ is reported once, at the link itself.
            Ok(path) if self.escaping_links.contains(&path) => None,
            Ok(path) if !self.assets.contains(&path) => {
                let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                let siblings: Vec<&str> = self
                    .assets
                    .iter()
                    .filter(|a| a.rsplit_once('/').map_or("", |(d, _)| d) == dir)
                    .map(|a| a.rsplit('/').next().unwrap_or(a))
                    .collect();
                let hint = match nearest(&name, &siblings) {
                    Some(near) => {
                        format!("did you mean \"{near}\"? (paths are relative to content/{dir})")
                    }
                    None => format!(
                        "put the file at content/{path} or correct the path (relative to content/{dir})"
                    ),
                };
                self.push(
                    loc.error("missing-file", raw, format!("`{written}` does not exist"))
                        .with_hint(hint),
                );
                None
            }
            Ok(path) => {
                if image && !is_image_path(&path) {
                    self.push(
                        loc.error("not-an-image", raw, format!("`{written}` is not an image"))
                            .with_hint("use a .jpg, .jpeg, .png, .webp, .gif or .svg file"),
                    );
                    return None;
                }
                Some(Asset {
                    path,
                    pos: loc.pos(raw),
                })
            }
        }
    }

    fn industry_ref(
        &mut self,
        loc: Loc,
        raw: &Spanned<String>,
        known: &HashSet<String>,
    ) -> Option<String> {
        let key = raw.get_ref();
        if known.contains(key) {
            return Some(key.clone());
        }
        let names: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = match nearest(key, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => {
                let mut sorted = names.clone();
                sorted.sort_unstable();
                format!(
                    "add it to [[zone.industries]] in site.toml, or use one of: {}",
                    sorted.join(", ")
                )
            }
        };
        self.push(
            loc.error("unknown-industry", raw, format!("unknown industry `{key}`"))
                .with_hint(hint),
        );
        None
    }

    fn zone(&mut self, loc: Loc, raw: &raw::RawZone) -> Zone {
        let mut industries = Vec::new();
        let mut seen = HashSet::new();
        for industry in &raw.industries {
            let key = industry.key.get_ref();
            self.slug_key(loc, &industry.key, "industry key");
            self.new_key(
                loc,
                &industry.key,
                &mut seen,
                ("industry", "is defined twice"),
            );
            industries.push(Industry {
                key: key.clone(),
                name: self.text(loc, "zone.industries.name", &industry.name),
            });
        }
        let metrics = raw
            .metrics
            .iter()
            .map(|m| Metric {
                label: self.text(loc, "zone.metrics.label", &m.label),
                quantity: self.quantity(
                    loc,
                    "zone.metrics",
                    &RawQuantity {
                        value: m.value,
                        unit: m.unit.clone(),
                    },
                ),
                as_of: self.date(&m.as_of),
                as_of_pos: loc.pos(&m.as_of),
                source: self.opt_text(loc, "zone.metrics.source", m.source.as_ref()),
            })
            .collect();
        Zone {
            name: self.text(loc, "zone.name", &raw.name),
            region: self.opt_text(loc, "zone.region", raw.region.as_ref()),
            summary: self.opt_text(loc, "zone.summary", raw.summary.as_ref()),
            address: self.opt_text(loc, "zone.address", raw.address.as_ref()),
            hotline: raw.hotline.clone(),
            email: raw.email.clone(),
            wechat: raw.wechat.clone(),
            wechat_qr: raw
                .wechat_qr
                .as_ref()
                .and_then(|p| self.asset(loc, "", p, true)),
            site_code: raw.site_code.clone(),
            sponsor: self.opt_text(loc, "zone.sponsor", raw.sponsor.as_ref()),
            organizer: self.opt_text(loc, "zone.organizer", raw.organizer.as_ref()),
            location: raw.location.map(|l| (l.lat, l.lon)),
            icp: raw.icp.clone(),
            police_record: raw.police_record.clone(),
            share_image: raw
                .share_image
                .as_ref()
                .and_then(|p| self.asset(loc, "", p, true)),
            cover: raw
                .cover
                .as_ref()
                .and_then(|p| self.asset(loc, "", p, true)),
            industries,
            metrics,
            pipeline: raw.pipeline.as_ref().map(|p| self.pipeline(loc, p)),
            access: self.access(loc, "zone.access", &raw.access),
            process: self.steps(loc, "zone.process", &raw.process),
            services: self.steps(loc, "zone.services", &raw.services),
        }
    }

    fn pipeline(&self, loc: Loc, raw: &raw::RawPipeline) -> Pipeline {
        Pipeline {
            signed: raw.signed,
            to_sign: raw.to_sign,
            negotiating: raw.negotiating,
            as_of: self.date(&raw.as_of),
            as_of_pos: loc.pos(&raw.as_of),
        }
    }

    fn access(&mut self, loc: Loc, field: &str, raw: &[raw::RawAccess]) -> Vec<Access> {
        raw.iter()
            .map(|a| Access {
                to: self.text(loc, &format!("{field}.to"), &a.to),
                km: a.km,
                minutes: a.minutes,
            })
            .collect()
    }

    fn steps(&mut self, loc: Loc, field: &str, raw: &[raw::RawStep]) -> Vec<Step> {
        raw.iter()
            .map(|s| Step {
                title: self.text(loc, &format!("{field}.title"), &s.title),
                detail: self.opt_text(loc, &format!("{field}.detail"), s.detail.as_ref()),
            })
            .collect()
    }

    fn park(
        &mut self,
        loaded: crate::content::LoadedPark,
        industries: &HashSet<String>,
        options: &ResolveOptions,
    ) -> Option<Park> {
        let crate::content::LoadedPark {
            key,
            park,
            index,
            tenants,
        } = loaded;
        self.park = Some(key.clone());
        let outer = std::mem::replace(&mut self.counting, !park.raw.draft || options.drafts);
        let loc = Loc::of(&park);
        let raw = &park.raw;
        let dir = format!("parks/{key}");
        let park_industries = raw
            .industries
            .iter()
            .filter_map(|i| self.industry_ref(loc, i, industries))
            .collect();
        let mut aliases = Vec::new();
        for alias in &raw.aliases {
            if self.slug_key(loc, alias, "alias") {
                aliases.push(alias.get_ref().clone());
            }
        }
        let policies = self.policies(loc, &raw.policies, industries);
        let mut factors = Vec::new();
        for factor in &raw.factors {
            self.leave_out(factor.draft, options);
            if !factor.draft || options.drafts {
                factors.push(self.factor(loc, factor));
            }
        }
        let carriers = raw.carriers.iter().map(|c| self.carrier(loc, c)).collect();
        let contacts = raw
            .contacts
            .iter()
            .map(|c| Contact {
                name: self.text(loc, "contacts.name", &c.name),
                role: self.opt_text(loc, "contacts.role", c.role.as_ref()),
                phone: c.phone.clone(),
                email: c.email.clone(),
                wechat: c.wechat.clone(),
            })
            .collect();
        let gallery = raw
            .gallery
            .iter()
            .filter_map(|g| {
                let image = self.asset(loc, &dir, &g.src, true)?;
                let caption = self.opt_text(loc, "gallery.caption", g.caption.as_ref());
                Some(GalleryItem { image, caption })
            })
            .collect();
        let (summary, body) = match index {
            Some(doc) => {
                let overrides = self.overrides(&doc);
                let iloc = Loc::of(&doc.original);
                let summary = doc.original.raw.summary.as_ref().map(|s| {
                    self.text_with(
                        iloc,
                        "summary",
                        s,
                        overrides.get("summary").map_or(&[], Vec::as_slice),
                    )
                });
                (summary, Some(self.body(&doc, &dir)))
            }
            None => (None, None),
        };
        let mut resolved_tenants = Vec::new();
        let mut seen_tenants = HashSet::new();
        for doc in tenants {
            if !seen_tenants.insert(doc.key.clone()) {
                continue;
            }
            if let Some(tenant) = self.tenant(doc, &key, industries, options) {
                resolved_tenants.push(tenant);
            }
        }
        resolved_tenants.sort_by(|a, b| (!a.featured, &a.key).cmp(&(!b.featured, &b.key)));
        let resolved = Park {
            name: self.text(loc, "name", &raw.name),
            operator: self.text(loc, "operator", &raw.operator),
            developer: self.opt_text(loc, "developer", raw.developer.as_ref()),
            positioning: self.text(loc, "positioning", &raw.positioning),
            summary,
            industries: park_industries,
            status: raw.status.unwrap_or_default(),
            order: raw.order.unwrap_or(i64::MAX),
            cover: raw
                .cover
                .as_ref()
                .and_then(|c| self.asset(loc, &dir, c, true)),
            area: raw.area.as_ref().map(|q| self.quantity(loc, "area", q)),
            highlights: raw
                .highlights
                .iter()
                .map(|h| self.text(loc, "highlights", h))
                .collect(),
            gallery,
            map: raw
                .map
                .as_ref()
                .and_then(|m| self.asset(loc, &dir, m, true)),
            aliases,
            draft: raw.draft,
            policies,
            factors,
            pipeline: raw.pipeline.as_ref().map(|p| self.pipeline(loc, p)),
            carriers,
            access: self.access(loc, "access", &raw.access),
            contacts,
            body,
            tenants: resolved_tenants,
            key,
        };
        self.park = None;
        self.counting = outer;
        self.leave_out(resolved.draft, options);
        (!resolved.draft || options.drafts).then_some(resolved)
    }

    fn policies(
        &mut self,
        loc: Loc,
        raw: &[raw::RawPolicy],
        industries: &HashSet<String>,
    ) -> Vec<Policy> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (index, p) in raw.iter().enumerate() {
            let key = match &p.key {
                Some(k) => {
                    if !is_slug(k.get_ref()) {
                        self.push(
                            loc.error(
                                "invalid-slug",
                                k,
                                format!("policy key `{}` is not a slug", k.get_ref()),
                            )
                            .with_hint(
                                "use lower-case letters, digits and hyphens, e.g. \"rent-subsidy\"",
                            ),
                        );
                    }
                    let twice = ("policy key", "is used twice in this park");
                    self.new_key(loc, k, &mut seen, twice);
                    k.get_ref().clone()
                }
                None => format!("policy-{}", index + 1),
            };
            out.push(Policy {
                key,
                title: self.text(loc, "policies.title", &p.title),
                category: p.category.unwrap_or_default(),
                summary: self.text(loc, "policies.summary", &p.summary),
                benefit: self.opt_text(loc, "policies.benefit", p.benefit.as_ref()),
                eligibility: self.opt_text(loc, "policies.eligibility", p.eligibility.as_ref()),
                source: self.opt_text(loc, "policies.source", p.source.as_ref()),
                document: p.document.clone(),
                issuer: self.opt_text(loc, "policies.issuer", p.issuer.as_ref()),
                source_url: p
                    .source_url
                    .as_ref()
                    .and_then(|u| self.link(loc, "policies.source_url", u)),
                valid_from: p.valid_from.as_ref().map(|d| self.date(d)),
                valid_until: p.valid_until.as_ref().map(|d| self.date(d)),
                valid_until_pos: p.valid_until.as_ref().map(|d| loc.pos(d)),
                draft: p.draft,
                eligible: p
                    .eligible
                    .as_ref()
                    .map(|e| self.eligible(loc, e, industries)),
            });
        }
        out
    }

    /// Starts on a news item or free page: of no park, counted only when published, with where its
    /// errors point and the translations of its fields.
    fn start_document<'d, T: TranslatableFields>(
        &mut self,
        doc: &'d Document<T>,
        draft: bool,
        options: &ResolveOptions,
    ) -> (Loc<'d>, Overrides) {
        self.park = None;
        self.counting = !draft || options.drafts;
        (Loc::of(&doc.original), self.overrides(doc))
    }

    fn overrides<T: TranslatableFields>(&mut self, doc: &Document<T>) -> Overrides {
        let mut out = Overrides::new();
        for t in &doc.translations {
            if !self.langs.contains(&t.lang) || t.lang == self.default {
                let hint = if t.lang == self.default {
                    format!(
                        "`{}` is the default language: its text belongs in `{}.md`",
                        t.lang, doc.key
                    )
                } else {
                    format!(
                        "the site's languages are {}; name translations `{}.<lang>.md`",
                        self.langs.join(", "),
                        doc.key
                    )
                };
                self.push(
                    Diagnostic::error(
                        "unknown-language",
                        format!(
                            "`{}` is not a translation into a site language",
                            t.file.display_path
                        ),
                    )
                    .in_file(&t.file)
                    .with_hint(hint),
                );
                continue;
            }
            for (field, (text, _)) in &t.overrides {
                out.entry(field.clone())
                    .or_default()
                    .push((t.lang.clone(), text.clone()));
            }
        }
        out
    }

    fn body<T>(&mut self, doc: &Document<T>, dir: &str) -> Body {
        let mut sources = vec![BodySource {
            lang: self.default.clone(),
            file: Arc::clone(&doc.original.file),
            start: doc.body_start,
            first_line: doc.body_first_line,
        }];
        for lang in self.langs.clone().iter().skip(1) {
            let translation = doc.translations.iter().find(|t| &t.lang == lang);
            if !self.counting {
                if let Some(t) = translation {
                    sources.push(BodySource {
                        lang: lang.clone(),
                        file: Arc::clone(&t.file),
                        start: t.body_start,
                        first_line: t.body_first_line,
                    });
                }
                continue;
            }
            self.translation
                .count(lang, self.park.as_deref(), translation.is_some());
            match translation {
                Some(t) => sources.push(BodySource {
                    lang: lang.clone(),
                    file: Arc::clone(&t.file),
                    start: t.body_start,
                    first_line: t.body_first_line,
                }),
                None => self.translation.missing.push(MissingTranslation {
                    foreign_script: false,
                    lang: lang.clone(),
                    file: doc.original.file.display_path.clone(),
                    line: None,
                    column: None,
                    field: "body".into(),
                    park: self.park.clone(),
                }),
            }
        }
        Body {
            dir: dir.to_owned(),
            sources,
        }
    }

    fn tenant(
        &mut self,
        doc: Document<raw::RawTenant>,
        park: &str,
        industries: &HashSet<String>,
        options: &ResolveOptions,
    ) -> Option<Tenant> {
        let overrides = self.overrides(&doc);
        let loc = Loc::of(&doc.original);
        let raw = &doc.original.raw;
        let status = raw.status.unwrap_or_default();
        let public = raw.public.unwrap_or(status != TenantStatus::Negotiating);
        let visible = public && (!raw.draft || options.drafts);
        if self.counting && public {
            self.leave_out(raw.draft, options);
        }
        let counting = self.counting && visible;
        let outer = std::mem::replace(&mut self.counting, counting);
        let dir = format!("parks/{park}/tenants");
        let ov = |f: &str| overrides.get(f).map_or(&[][..], Vec::as_slice);
        let tenant = Tenant {
            name: self.text_with(loc, "name", &raw.name, ov("name")),
            status,
            industry: raw
                .industry
                .as_ref()
                .and_then(|i| self.industry_ref(loc, i, industries)),
            summary: raw
                .summary
                .as_ref()
                .map(|s| self.text_with(loc, "summary", s, ov("summary"))),
            logo: raw
                .logo
                .as_ref()
                .and_then(|l| self.asset(loc, &dir, l, true)),
            website: raw
                .website
                .as_ref()
                .and_then(|u| self.link(loc, "website", u)),
            since: raw.since.as_ref().map(|d| self.date(d)),
            featured: raw.featured,
            body: self.body(&doc, &dir),
            key: doc.key.clone(),
        };
        self.counting = outer;
        visible.then_some(tenant)
    }

    fn news(
        &mut self,
        doc: Document<raw::RawNews>,
        parks: &BTreeMap<String, String>,
        park_folders: &BTreeSet<String>,
        options: &ResolveOptions,
    ) -> Option<News> {
        let raw = &doc.original.raw;
        let (loc, overrides) = self.start_document(&doc, raw.draft, options);
        let ov = |f: &str| overrides.get(f).map_or(&[][..], Vec::as_slice);
        let mut park_keys = Vec::new();
        for p in &raw.parks {
            match parks.get(p.get_ref()) {
                Some(key) => park_keys.push(key.clone()),
                // Its park.toml has an error of its own; do not call the park unknown too.
                None if park_folders.contains(p.get_ref()) => {}
                None => {
                    let names: Vec<&str> = parks.keys().map(String::as_str).collect();
                    let hint = nearest(p.get_ref(), &names).map_or_else(
                        || format!("known parks: {}", names.join(", ")),
                        |n| format!("did you mean `{n}`?"),
                    );
                    self.push(
                        loc.error("unknown-park", p, format!("unknown park `{}`", p.get_ref()))
                            .with_hint(hint),
                    );
                }
            }
        }
        let news = News {
            title: self.text_with(loc, "title", &raw.title, ov("title")),
            date: self.date(&raw.date),
            summary: raw
                .summary
                .as_ref()
                .map(|s| self.text_with(loc, "summary", s, ov("summary"))),
            cover: raw
                .cover
                .as_ref()
                .and_then(|c| self.asset(loc, "news", c, true)),
            parks: park_keys,
            source: raw.source.as_ref().map(|s| {
                let url = s.url.as_ref().and_then(|u| self.link(loc, "source.url", u));
                (self.text(loc, "source.name", &s.name), url)
            }),
            body: self.body(&doc, "news"),
            key: doc.key.clone(),
        };
        self.counting = true;
        self.leave_out(raw.draft, options);
        (!raw.draft || options.drafts).then_some(news)
    }

    fn page(&mut self, doc: Document<raw::RawPage>, options: &ResolveOptions) -> Option<Page> {
        let raw = &doc.original.raw;
        let (loc, overrides) = self.start_document(&doc, raw.draft, options);
        let ov = |f: &str| overrides.get(f).map_or(&[][..], Vec::as_slice);
        if RESERVED.contains(&doc.key.as_str()) || self.langs.contains(&doc.key) {
            self.push(
                Diagnostic::error(
                    "reserved-key",
                    format!(
                        "page `{}` would be served at /{}/, a path parkpress uses",
                        doc.key, doc.key
                    ),
                )
                .in_file(&doc.original.file)
                .with_hint(format!(
                    "rename the file; reserved: {}, and the language codes",
                    RESERVED.join(", ")
                )),
            );
            self.counting = true;
            return None;
        }
        let page = Page {
            title: self.text_with(loc, "title", &raw.title, ov("title")),
            summary: raw
                .summary
                .as_ref()
                .map(|s| self.text_with(loc, "summary", s, ov("summary"))),
            order: raw.order.unwrap_or(i64::MAX),
            menu: raw.menu,
            body: self.body(&doc, "pages"),
            key: doc.key.clone(),
        };
        self.counting = true;
        self.leave_out(raw.draft, options);
        (!raw.draft || options.drafts).then_some(page)
    }

    fn check_park_keys(&mut self, parks: &[Park]) {
        let mut taken: BTreeMap<&str, &str> = BTreeMap::new();
        for park in parks {
            for alias in &park.aliases {
                if let Some(owner) = taken.insert(alias, &park.key) {
                    self.push(
                        Diagnostic::error(
                            "duplicate-key",
                            format!(
                                "alias `{alias}` of park `{}` is already taken by park `{owner}`",
                                park.key
                            ),
                        )
                        .with_hint("each old key may point at one park only"),
                    );
                }
            }
        }
        for park in parks {
            if let Some(owner) = taken.get(park.key.as_str()) {
                self.push(
                    Diagnostic::error(
                        "duplicate-key",
                        format!("park `{}` is also an alias of park `{owner}`", park.key),
                    )
                    .with_hint("remove the alias or rename the park folder"),
                );
            }
            if RESERVED.contains(&park.key.as_str()) || self.langs.contains(&park.key) {
                self.push(
                    Diagnostic::error(
                        "reserved-key",
                        format!("park key `{}` is a path parkpress uses", park.key),
                    )
                    .with_hint(format!(
                        "rename the folder; reserved: {}, and the language codes",
                        RESERVED.join(", ")
                    )),
                );
            }
        }
    }

    fn audiences(&mut self, parsed: &Parsed<raw::RawAudiences>) -> Vec<Audience> {
        let loc = Loc::of(parsed);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for a in &parsed.raw.audience {
            let key = a.key.get_ref();
            if !self.slug_key(loc, &a.key, "audience key") {
                continue;
            }
            if ["brochure", "site"].contains(&key.as_str()) {
                self.push(
                    loc.error(
                        "reserved-key",
                        &a.key,
                        format!("audience `{key}` is built in"),
                    )
                    .with_hint("choose another key"),
                );
                continue;
            }
            if !self.new_key(loc, &a.key, &mut seen, ("audience", "is defined twice")) {
                continue;
            }
            let language = match &a.language {
                Some(l) if self.langs.contains(l.get_ref()) => l.get_ref().clone(),
                Some(l) => {
                    self.push(
                        loc.error(
                            "unknown-language",
                            l,
                            format!("`{}` is not a site language", l.get_ref()),
                        )
                        .with_hint(format!("use one of: {}", self.langs.join(", "))),
                    );
                    continue;
                }
                None => self.default.clone(),
            };
            out.push(Audience {
                key: key.clone(),
                name: self.text(loc, "audience.name", &a.name),
                kind: a.kind,
                channel: a.channel.unwrap_or_default(),
                language,
                campaign: a.campaign.clone(),
            });
        }
        out
    }
}

/// Joins a relative reference onto a content-relative folder, refusing paths that leave content/.
pub fn join_content_path(dir: &str, reference: &str) -> Result<String, &'static str> {
    let reference = reference.split(['#', '?']).next().unwrap_or(reference);
    let windows_drive = reference.len() > 1 && reference.as_bytes()[1] == b':';
    if reference.starts_with('/') || reference.starts_with('\\') || windows_drive {
        return Err("is an absolute path");
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in reference.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("leaves the content/ folder");
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

fn is_image_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::join_content_path;

    #[test]
    fn joins_and_refuses_escapes() {
        assert_eq!(
            join_content_path("parks/a", "cover.jpg").unwrap(),
            "parks/a/cover.jpg"
        );
        assert_eq!(
            join_content_path("parks/a/tenants", "../logo.png").unwrap(),
            "parks/a/logo.png"
        );
        assert!(join_content_path("parks/a", "../../../etc/passwd").is_err());
        assert!(join_content_path("parks/a", "/etc/passwd").is_err());
        assert!(join_content_path("", "C:\\x.png").is_err());
    }
}
