//! The client-side search index: one `search-index.<lang>.json` per language at the output root,
//! read by the theme's `search.js` on the search page.
//!
//! Each entry is a park, tenant, live policy, factor guarantee, news item or free page with its
//! title, URL, kind, park (for context) and a short text. The browser tokenizes these texts
//! itself (character bigrams for Chinese, words for other scripts) rather than downloading
//! prebuilt postings: a posting list of bigrams costs more bytes than the Chinese text it is
//! made from (see `docs/performance.md`), and the text is needed anyway to show a snippet.
//!
//! The index of a big site is kept under [`MAX_INDEX_BYTES`] by cutting the texts shorter until it
//! fits; titles and URLs are never cut. Only what the pages publish is indexed: the views the
//! pages are rendered from decide (no expired or draft policy, no hidden tenant, no draft).

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::files::{Contents, OutputFile};
use crate::views::{LangViews, ViewCx};

/// Size above which an index file is trimmed (texts cut shorter): about what a phone on a mobile
/// network loads in a second or two, before compression.
pub const MAX_INDEX_BYTES: usize = 2 * 1024 * 1024;

/// Text budget of an ordinary entry, in width units: a Chinese character counts 2, any other
/// character 1 (so about 300 Chinese characters or 600 Latin letters). Small sites keep this much;
/// big ones are cut shorter by [`fit`].
const TEXT_WIDTH: usize = 600;

/// Fractions of the text budget tried in turn until the index fits [`MAX_INDEX_BYTES`].
const SCALES: [f64; 10] = [1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05, 0.0];

/// A page whose Markdown body is indexed, to look its plain text up in [`BodyTexts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// A park page (index of the park in `Site::parks`).
    Park(usize),
    /// A tenant page (park index, tenant index).
    Tenant(usize, usize),
    /// A news item.
    News(usize),
    /// A free page.
    Page(usize),
}

impl Item {
    /// The kind of entry the item's page is indexed as.
    fn kind(self) -> Kind {
        match self {
            Item::Park(_) => Kind::Park,
            Item::Tenant(..) => Kind::Tenant,
            Item::News(_) => Kind::News,
            Item::Page(_) => Kind::Page,
        }
    }

    /// What the index can ever use of the plain text of the item's body: its words up to and
    /// including the first that makes it wider than the widest text the entry gets (its share of
    /// the budget at the first scale). A body's text comes after the entry's other texts and is
    /// cut at the first word past the width, so the index is the same as from the whole text,
    /// and a build holds a few hundred characters per page until the index is made, not every
    /// body in full.
    pub fn indexed_text(self, text: &str) -> String {
        let max_width = TEXT_WIDTH * self.kind().text_share();
        let mut used = 0;
        for word in text.split_whitespace() {
            used += usize::from(used > 0) + word.chars().map(width).sum::<usize>();
            if used > max_width {
                // The word is a slice of `text`: keep everything up to its end.
                let end = word.as_ptr() as usize - text.as_ptr() as usize + word.len();
                return text[..end].to_owned();
            }
        }
        text.to_owned()
    }
}

/// Plain text of the rendered Markdown bodies, by item and language (its index in
/// `Site::languages`), as the page jobs produced them: as much as [`Item::indexed_text`] keeps.
pub type BodyTexts = HashMap<(Item, usize), String>;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A park.
    Park,
    /// A public tenant.
    Tenant,
    /// A live policy.
    Policy,
    /// A factor guarantee of a park.
    Factor,
    /// A news item.
    News,
    /// A free page.
    Page,
}

impl Kind {
    /// How many ordinary text budgets an entry of this kind gets: parks and free pages are few
    /// and long (procedures, services), news longer than a tenant's profile.
    fn text_share(self) -> usize {
        match self {
            Kind::Park | Kind::Page => 4,
            Kind::News => 2,
            Kind::Tenant | Kind::Policy | Kind::Factor => 1,
        }
    }
}

/// One search result candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Title (name of a park or tenant, title of a policy, news item or page, label of a factor).
    pub title: String,
    /// Root-relative URL (a policy's and a factor's point into their park page).
    pub url: String,
    /// Name of the park it belongs to (tenants, policies, factors; news: the first park named).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub park: Option<String>,
    /// Short text to match and to show as a snippet: summary first, then details and the start of
    /// the body, whitespace collapsed.
    pub text: String,
}

/// The index of one language, as written to `search-index.<lang>.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchIndex {
    /// Language code.
    pub lang: String,
    /// Entries in site order: parks (each followed by its policies and factors), tenants, news,
    /// pages.
    pub entries: Vec<Entry>,
}

/// Output path of the index of `lang` (once per language, at the root, never under `/<lang>/`).
pub fn index_path(lang: &str) -> String {
    format!("search-index.{lang}.json")
}

/// The plain text of a body as far as any entry may use it, so page jobs keep no more: the text
/// itself when it is collapsed already (words one space apart, as Markdown bodies' plain texts
/// are) and fits, else its [`cut`].
pub fn body_excerpt(plain_text: String) -> String {
    let max_width = TEXT_WIDTH * Kind::Park.text_share();
    if is_collapsed(&plain_text) && fits(&plain_text, max_width) {
        plain_text
    } else {
        cut(&plain_text, max_width)
    }
}

/// Whether `text` is its own whitespace-collapsed form: words separated by single spaces, none
/// before the first or after the last.
fn is_collapsed(text: &str) -> bool {
    !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| c == ' ' || !c.is_whitespace())
}

/// The index files of every language (built in parallel), each trimmed to [`MAX_INDEX_BYTES`]
/// where it can be.
pub fn index_files(cx: &ViewCx<'_>, views: &[LangViews], texts: &BodyTexts) -> Vec<OutputFile> {
    views
        .par_iter()
        .enumerate()
        .map(|(l, lang_views)| {
            let (_, bytes) = fit(
                &lang_views.lang,
                entries(cx, lang_views, l, texts),
                MAX_INDEX_BYTES,
            );
            OutputFile {
                path: index_path(&lang_views.lang),
                contents: Contents::Bytes(bytes),
            }
        })
        .collect()
}

/// Every entry of one language with its full text (before trimming to the size budget).
pub fn entries(
    cx: &ViewCx<'_>,
    views: &LangViews,
    lang_index: usize,
    texts: &BodyTexts,
) -> Vec<Entry> {
    let site = cx.site;
    let lang = views.lang.as_str();
    let body = |item: Item| texts.get(&(item, lang_index)).map_or("", String::as_str);
    let mut out = Vec::new();
    for (p, (park, card)) in site.parks.iter().zip(&views.parks).enumerate() {
        let highlights = park.highlights.iter().map(|h| h.get(lang));
        let carriers = park.carriers.iter().map(|c| c.name.get(lang));
        let developer = park.developer.as_ref().map(|d| d.get(lang));
        out.push(Entry {
            kind: Kind::Park,
            title: card.name.clone(),
            url: card.url.clone(),
            park: None,
            text: join(
                [
                    card.summary.as_str(),
                    card.positioning.as_str(),
                    card.operator.as_str(),
                ]
                .into_iter()
                .chain(developer)
                .chain(highlights)
                .chain(carriers)
                .chain([body(Item::Park(p))]),
            ),
        });
        for policy in views.policies.get(p).into_iter().flatten() {
            let details = [&policy.benefit, &policy.eligibility, &policy.issuer]
                .into_iter()
                .chain([&policy.document, &policy.source])
                .filter_map(|t| t.as_deref());
            out.push(Entry {
                kind: Kind::Policy,
                title: policy.title.clone(),
                url: policy.url.clone(),
                park: Some(card.name.clone()),
                text: join(std::iter::once(policy.summary.as_str()).chain(details)),
            });
        }
        for factor in &park.factors {
            let view = cx.factor_view(factor, lang);
            out.push(Entry {
                kind: Kind::Factor,
                title: view.label,
                url: format!("{}#sec-factors", card.url),
                park: Some(card.name.clone()),
                text: join(
                    [view.value.as_deref(), view.note.as_deref()]
                        .into_iter()
                        .flatten(),
                ),
            });
        }
    }
    for (p, tenants) in views.tenants.iter().enumerate() {
        for (t, tenant) in tenants.iter().enumerate() {
            let industry = tenant.industry.as_ref().map(|i| i.name.as_str());
            out.push(Entry {
                kind: Kind::Tenant,
                title: tenant.name.clone(),
                url: tenant.url.clone(),
                park: Some(tenant.park_name.clone()),
                text: join(
                    tenant
                        .summary
                        .as_deref()
                        .into_iter()
                        .chain(industry)
                        .chain([body(Item::Tenant(p, t))]),
                ),
            });
        }
    }
    for (n, news) in views.news.iter().enumerate() {
        out.push(Entry {
            kind: Kind::News,
            title: news.title.clone(),
            url: news.url.clone(),
            park: news.parks.first().map(|p| p.title.clone()),
            text: join(
                news.summary
                    .as_deref()
                    .into_iter()
                    .chain([body(Item::News(n))]),
            ),
        });
    }
    for (i, page) in site.pages.iter().enumerate() {
        let summary = page.summary.as_ref().map(|s| s.get(lang));
        out.push(Entry {
            kind: Kind::Page,
            title: page.title.get(lang).to_owned(),
            url: cx.urls.page(lang, &format!("{}/", page.key)),
            park: None,
            text: join(summary.into_iter().chain([body(Item::Page(i))])),
        });
    }
    out
}

/// Serializes the index with texts cut as short as needed to stay within `max_bytes`, trying
/// [`SCALES`] of the text budget in turn. Titles and URLs are kept whole, so an index that is
/// over budget even without texts is returned without texts.
pub fn fit(lang: &str, mut entries: Vec<Entry>, max_bytes: usize) -> (SearchIndex, Vec<u8>) {
    let full: Vec<String> = entries
        .iter_mut()
        .map(|e| std::mem::take(&mut e.text))
        .collect();
    let mut index = SearchIndex {
        lang: lang.to_owned(),
        entries,
    };
    // Everything but the texts is serialized once; each scale then only adds up its texts.
    let fixed = to_json(&index).len();
    let width = |kind: Kind, scale: f64| ((TEXT_WIDTH * kind.text_share()) as f64 * scale) as usize;
    // A text within a scale's width is only collapsed, so its length there is known from one
    // measurement; only longer texts are cut, into one reused buffer, to be measured.
    // Measuring and cutting run in parallel: one language's index is one job of the build.
    let collapsed: Vec<Collapsed> = full.par_iter().map(|text| Collapsed::of(text)).collect();
    let scale = SCALES
        .into_iter()
        .find(|&scale| {
            let texts: usize = (index.entries.par_iter().zip(&full).zip(&collapsed))
                .map_init(String::new, |scratch, ((e, text), collapsed)| {
                    let max_width = width(e.kind, scale);
                    if collapsed.width <= max_width {
                        collapsed.json_len
                    } else {
                        cut_overflowing_into(text, max_width, scratch);
                        json_len(scratch)
                    }
                })
                .sum();
            fixed + texts <= max_bytes
        })
        .unwrap_or(0.0);
    (index.entries.par_iter_mut().zip(&full))
        .for_each(|(entry, text)| entry.text = cut(text, width(entry.kind, scale)));
    let bytes = to_json(&index);
    (index, bytes)
}

/// Width (see [`width`]) and JSON length of a text with its whitespace collapsed.
struct Collapsed {
    width: usize,
    json_len: usize,
}

impl Collapsed {
    fn of(text: &str) -> Self {
        let mut measured = Collapsed {
            width: 0,
            json_len: 0,
        };
        for word in text.split_whitespace() {
            if measured.width > 0 {
                measured.width += 1;
                measured.json_len += 1;
            }
            measured.width += word.chars().map(width).sum::<usize>();
            measured.json_len += json_len(word);
        }
        measured
    }
}

/// Bytes `text` adds inside a JSON string literal, escapes included (as serde_json writes them).
fn json_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

fn to_json(index: &SearchIndex) -> Vec<u8> {
    // Serializing plain strings and enums cannot fail; an empty file would only disable search.
    let mut bytes = serde_json::to_vec(index).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Joins non-empty parts with a space, skipping a part equal to an earlier one (a park's summary
/// defaults to its positioning).
fn join<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts {
        let part = part.trim();
        if !part.is_empty() && !seen.contains(&part) {
            seen.push(part);
        }
    }
    seen.join(" ")
}

/// Width of a character in the text budget: two for the wide scripts (CJK, kana, Hangul,
/// full-width forms), one for anything else.
fn width(c: char) -> usize {
    match c {
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}' => 2,
        _ => 1,
    }
}

/// `text` with whitespace collapsed, cut to `max_width` (see [`width`]) with an ellipsis; a cut in
/// the middle of a Latin word goes back to the word's start. Reads no further into `text` than the
/// cut, so cutting a long body short is cheap.
pub fn cut(text: &str, max_width: usize) -> String {
    let mut out = String::new();
    cut_into(text, max_width, &mut out);
    out
}

/// [`cut`] into `out`, which is cleared first, so measuring many cuts allocates once.
fn cut_into(text: &str, max_width: usize, out: &mut String) {
    out.clear();
    if fits(text, max_width) {
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return;
    }
    cut_overflowing_into(text, max_width, out);
}

/// [`cut_into`] of a text known to be wider than `max_width`.
fn cut_overflowing_into(text: &str, max_width: usize, out: &mut String) {
    out.clear();
    // One unit is kept for the ellipsis.
    let budget = max_width.saturating_sub(1);
    out.reserve(budget * 3);
    let mut used = 0;
    for word in text.split_whitespace() {
        let space = usize::from(!out.is_empty());
        let room = budget.saturating_sub(used + space);
        let mut end = 0;
        let mut word_width = 0;
        for (at, c) in word.char_indices() {
            if word_width + width(c) > room {
                break;
            }
            word_width += width(c);
            end = at + c.len_utf8();
        }
        let part = &word[..end];
        if end == word.len() {
            if space == 1 {
                out.push(' ');
            }
            out.push_str(part);
            used += space + word_width;
            continue;
        }
        // A run of Chinese has no spaces, so it is cut inside; a Latin word only when it is the
        // first and nothing would be left otherwise.
        let wide_cut = part.chars().last().is_some_and(|c| width(c) == 2);
        if !part.is_empty() && (wide_cut || out.is_empty()) {
            if space == 1 {
                out.push(' ');
            }
            out.push_str(part);
        }
        break;
    }
    if !out.is_empty() {
        out.push('…');
    }
}

/// Whether `text`, whitespace collapsed, is at most `max_width` wide; stops reading once it is not.
fn fits(text: &str, max_width: usize) -> bool {
    let mut used = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = used > 0;
            continue;
        }
        used += width(c) + usize::from(space);
        space = false;
        if used > max_width {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: Kind, text: &str) -> Entry {
        Entry {
            kind,
            title: "标题".into(),
            url: "/x/".into(),
            park: None,
            text: text.into(),
        }
    }

    #[test]
    fn cuts_chinese_inside_runs_and_latin_at_words() {
        assert_eq!(cut("冷链物流园区", 6), "冷链…");
        assert_eq!(
            cut("  cold   chain\nlogistics ", 100),
            "cold chain logistics"
        );
        assert_eq!(cut("cold chain logistics", 12), "cold chain…");
        assert_eq!(cut("supercalifragilistic", 6), "super…");
        assert_eq!(cut("园区 cold chain", 7), "园区…");
        assert_eq!(cut("园区 cold chain", 10), "园区 cold…");
        assert_eq!(cut("anything", 0), "");
        assert_eq!(cut("", 10), "");
    }

    #[test]
    fn cut_never_passes_the_width() {
        for max in 0..40 {
            for text in ["冷链物流 cold chain 园区优势 Ärztehaus", "a b c d e f g h"] {
                let out = cut(text, max);
                let used: usize = out.chars().map(width).sum();
                assert!(used <= max, "{out:?} is wider than {max}");
            }
        }
    }

    #[test]
    fn json_len_counts_escapes_as_serde_json_writes_them() {
        for text in [
            "冷链",
            "a \"quoted\" \\ path",
            "tab\tand\nnew line",
            "bell\u{7}",
            "",
        ] {
            let json = serde_json::to_string(text).unwrap_or_default();
            assert_eq!(json_len(text), json.len() - 2, "{text:?}");
        }
    }

    #[test]
    fn join_skips_empty_and_repeated_parts() {
        assert_eq!(join(["大数据", " ", "大数据", "云计算"]), "大数据 云计算");
    }

    #[test]
    fn trims_texts_until_the_index_fits() {
        let entries: Vec<Entry> = (0..200)
            .map(|_| entry(Kind::Tenant, &"冷链物流".repeat(100)))
            .collect();
        let (roomy, bytes) = fit("zh", entries.clone(), usize::MAX);
        assert_eq!(roomy.entries[0].text.chars().count(), TEXT_WIDTH / 2);
        let (small, small_bytes) = fit("zh", entries.clone(), bytes.len() / 2);
        assert!(small_bytes.len() <= bytes.len() / 2);
        assert!(
            small_bytes.len() > bytes.len() / 4,
            "cut no shorter than needed"
        );
        assert!(small.entries[0].text.starts_with("冷链"));
        let (titles_only, _) = fit("zh", entries, 10);
        assert!(titles_only.entries.iter().all(|e| e.text.is_empty()));
    }

    proptest::proptest! {
        /// `fit` measures a text that needs no cut once; the measurement is what cutting gives.
        #[test]
        fn a_collapsed_text_measures_as_its_cut(
            text in "[ \\t\\n园区a-c\"\\\\\u{1}\u{3000}]{0,40}",
            max_width in 0usize..50,
        ) {
            let collapsed = Collapsed::of(&text);
            proptest::prop_assert_eq!(collapsed.width <= max_width, fits(&text, max_width));
            proptest::prop_assert_eq!(collapsed.json_len, json_len(&cut(&text, usize::MAX)));
            if collapsed.width > max_width {
                let mut out = String::new();
                cut_overflowing_into(&text, max_width, &mut out);
                proptest::prop_assert_eq!(out, cut(&text, max_width));
            }
        }

        /// A body's excerpt is its text's cut, whether the text is taken as it is or cut.
        #[test]
        fn an_excerpt_is_the_cut_of_its_text(
            text in "[ \\t\\n园区a-c\u{a0}\u{3000}]{0,40}|[园a ]{2390,2410}",
        ) {
            let width = TEXT_WIDTH * Kind::Park.text_share();
            proptest::prop_assert_eq!(body_excerpt(text.clone()), cut(&text, width));
        }

        /// The index made from what a page job keeps of a body is the one its whole text makes,
        /// at any size budget, whatever the entry's other texts are.
        #[test]
        fn the_kept_part_of_a_body_indexes_as_the_whole(
            before in "[园b \\n]{0,12}",
            body in "[园区ab \\n\u{3000}]{0,700}|[园a ]{590,1400}",
            max_bytes in proptest::sample::select(vec![usize::MAX, 2000, 400, 120]),
        ) {
            let index = |body: &str| {
                fit("zh", vec![entry(Kind::Tenant, &join([before.as_str(), body]))], max_bytes).1
            };
            let kept = Item::Tenant(0, 0).indexed_text(&body);
            proptest::prop_assert!(kept.len() <= body.len());
            proptest::prop_assert_eq!(index(&kept), index(&body));
        }
    }

    #[test]
    fn a_page_job_keeps_only_what_the_index_can_show_of_a_long_body() {
        let body = "冷链物流园区 ".repeat(400);
        let kept = Item::Tenant(0, 0).indexed_text(&body);
        assert!(
            kept.len() < body.len() / 3,
            "{} of {} bytes kept",
            kept.len(),
            body.len()
        );
        assert!(Item::Park(0).indexed_text(&body).len() > 3 * kept.len());
        assert_eq!(Item::News(0).indexed_text("开园 仪式"), "开园 仪式");
    }

    #[test]
    fn parks_get_a_longer_text_than_tenants() {
        let long = "园".repeat(2000);
        let (index, _) = fit(
            "zh",
            vec![entry(Kind::Park, &long), entry(Kind::Tenant, &long)],
            usize::MAX,
        );
        assert!(index.entries[0].text.len() > 3 * index.entries[1].text.len());
    }

    #[test]
    fn serializes_kinds_in_snake_case_and_omits_absent_parks() {
        let json = String::from_utf8(to_json(&SearchIndex {
            lang: "zh".into(),
            entries: vec![entry(Kind::News, "开园")],
        }))
        .unwrap_or_default();
        assert!(json.contains(r#""kind":"news""#));
        assert!(!json.contains("park"));
        assert!(
            json.contains("开园"),
            "Chinese is written as UTF-8, not escaped"
        );
    }
}
