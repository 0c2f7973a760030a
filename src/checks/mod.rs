//! Domain warnings on the resolved model: what a reviewer at the bureau would catch before sign-off.
//! Expired and expiring policies, stale figures, units that do not fit their factor, rewards tied to
//! taxes paid, absolute claims, translation gaps, images too small to share, and placeholders that
//! must not be published ([`release`]).

pub mod links;
mod prices;
pub mod release;
pub mod rules;

pub use release::{RELEASE_CODES, release_problems};

use chrono::{Months, NaiveDate};
use rayon::prelude::*;
use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::model::units::{Measure, Price, is_money};
use crate::model::{Body, FactorValue, Pos, Site, Text};
use rules::*;

/// Width in pixels a park cover needs to print across an A4 page (210 mm) at 150 dpi.
pub const PRINT_WIDTH_PX: u32 = 1240;

/// Days before expiry from which a policy is reported as expiring.
pub const EXPIRY_NOTICE_DAYS: i64 = 60;

/// Runs every domain check on the site.
pub fn domain_warnings(site: &Site, image_sizes: &HashMap<String, (u32, u32)>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    policies(site, &mut out);
    staleness(site, &mut out);
    units(site, &mut out);
    wording(site, &mut out);
    translation_gaps(site, &mut out);
    image_sizes_for_sharing(site, image_sizes, &mut out);
    out.extend(release::placeholders(site));
    out
}

fn place(pos: Option<&Pos>, diagnostic: Diagnostic) -> Diagnostic {
    match pos {
        Some(pos) => pos.place(diagnostic),
        None => diagnostic,
    }
}

fn policies(site: &Site, out: &mut Vec<Diagnostic>) {
    let today = site.build_date;
    for park in &site.parks {
        for policy in park.policies.iter().filter(|p| !p.draft) {
            let Some(until) = policy.valid_until else {
                continue;
            };
            let title = policy.title.get(site.default_lang());
            let days = (until - today).num_days();
            let diagnostic = if days < 0 {
                Diagnostic::warning(
                    "policy-expired",
                    format!("policy `{}` ({title}) expired on {until}; it is hidden from the site and print", policy.key),
                )
                .with_hint("update `valid_until` if it was renewed, or remove the policy")
            } else if days <= EXPIRY_NOTICE_DAYS {
                Diagnostic::warning(
                    "policy-expiring",
                    format!(
                        "policy `{}` ({title}) expires on {until}, in {days} day(s)",
                        policy.key
                    ),
                )
                .with_hint(
                    "check whether it will be renewed; it disappears from the site the day after",
                )
            } else {
                continue;
            };
            out.push(place(policy.valid_until_pos.as_ref(), diagnostic));
        }
    }
}

fn staleness(site: &Site, out: &mut Vec<Diagnostic>) {
    let months = site.stale_after_months;
    let Some(limit) = site.build_date.checked_sub_months(Months::new(months)) else {
        return;
    };
    let mut check = |what: String, date: NaiveDate, pos: Option<&Pos>| {
        if date < limit {
            let age = (site.build_date - date).num_days() / 30;
            out.push(place(
                pos,
                Diagnostic::warning("stale-figure", format!("{what} is dated {date}, {age} months ago"))
                    .with_hint(format!("update the figure and its `as_of` date (figures older than {months} months are reported; `stale_after_months` in site.toml)")),
            ));
        }
    };
    let lang = site.default_lang();
    for metric in &site.zone.metrics {
        check(
            format!("zone figure `{}`", metric.label.get(lang)),
            metric.as_of,
            Some(&metric.as_of_pos),
        );
    }
    if let Some(pipeline) = &site.zone.pipeline {
        check(
            "the zone pipeline".into(),
            pipeline.as_of,
            Some(&pipeline.as_of_pos),
        );
    }
    for park in &site.parks {
        if let Some(pipeline) = &park.pipeline {
            check(
                format!("the pipeline of park `{}`", park.key),
                pipeline.as_of,
                Some(&pipeline.as_of_pos),
            );
        }
        for factor in &park.factors {
            if let Some(date) = factor.as_of {
                let label = factor
                    .label
                    .as_ref()
                    .map_or_else(|| factor.kind.code().to_owned(), |l| l.get(lang).to_owned());
                check(
                    format!("factor `{label}` of park `{}`", park.key),
                    date,
                    factor.as_of_pos.as_ref(),
                );
            }
        }
        for carrier in &park.carriers {
            if let Some(date) = carrier.as_of {
                check(
                    format!(
                        "carrier `{}` of park `{}`",
                        carrier.name.get(lang),
                        park.key
                    ),
                    date,
                    carrier.as_of_pos.as_ref(),
                );
            }
        }
    }
}

fn units(site: &Site, out: &mut Vec<Diagnostic>) {
    for park in &site.parks {
        for factor in &park.factors {
            let (Some(unit), Some((expected, fragments))) =
                (&factor.unit, unit_family(factor.kind))
            else {
                continue;
            };
            let mut texts: Vec<&str> = unit.all().map(|(_, t)| t).collect();
            texts.dedup();
            let kind = factor.kind.code().to_owned();
            let priced = Measure::for_factor(factor.kind).is_some();
            let number = matches!(factor.value, Some(FactorValue::Number(_)));
            let understood = texts.iter().any(|t| Price::parse(1.0, t).is_some());
            if priced && number && !understood && texts.iter().any(|t| is_money(t)) {
                out.push(prices::unknown_price_unit(unit.pos(), &texts, &kind));
                continue;
            }
            // A rate the model understands fits when it is paid per what the kind is priced
            // in (steam per t, not per m³); other units are compared by their words.
            let fits = if priced && understood {
                factor.price.is_some()
            } else {
                texts.iter().any(|t| unit_fits(t, fragments))
            };
            if fits {
                continue;
            }
            out.push(place(
                unit.pos(),
                Diagnostic::warning(
                    "unit-mismatch",
                    format!(
                        "unit `{}` does not fit a factor of kind `{kind}`",
                        texts.join("` / `")
                    ),
                )
                .with_hint(format!(
                    "a `{kind}` figure is usually per {expected}; check the unit or the kind"
                )),
            ));
        }
        prices::carrier_prices(park, out);
    }
}

/// Every localized text of the site that is shown to visitors, with what it is.
fn texts(site: &Site) -> Vec<(&Text, String)> {
    let mut all: Vec<(&Text, String)> = Vec::new();
    let zone = &site.zone;
    all.push((&site.title, "the site title".into()));
    all.extend(
        site.description
            .iter()
            .map(|t| (t, "the site description".into())),
    );
    all.extend(zone.summary.iter().map(|t| (t, "the zone summary".into())));
    for metric in &zone.metrics {
        all.push((&metric.label, "a zone figure".into()));
    }
    for park in &site.parks {
        let of = |what: &str| format!("{what} of park `{}`", park.key);
        all.push((&park.name, of("the name")));
        all.push((&park.positioning, of("the positioning")));
        all.extend(park.summary.iter().map(|t| (t, of("the summary"))));
        all.extend(park.highlights.iter().map(|t| (t, of("a highlight"))));
        for policy in &park.policies {
            let what = format!("policy `{}` of park `{}`", policy.key, park.key);
            for text in policy.texts() {
                all.push((text, what.clone()));
            }
        }
        for tenant in &park.tenants {
            all.extend(
                tenant
                    .summary
                    .iter()
                    .map(|t| (t, format!("tenant `{}`", tenant.key))),
            );
        }
    }
    for news in &site.news {
        all.push((&news.title, format!("news `{}`", news.key)));
        all.extend(
            news.summary
                .iter()
                .map(|t| (t, format!("news `{}`", news.key))),
        );
    }
    all
}

fn wording(site: &Site, out: &mut Vec<Diagnostic>) {
    for park in &site.parks {
        for policy in &park.policies {
            for text in policy.texts() {
                if let Some(phrase) = text.all().find_map(|(_, t)| find_fiscal_phrase(t)) {
                    out.push(place(
                        text.pos(),
                        Diagnostic::warning(
                            "fair-competition",
                            format!("policy `{}` of park `{}` ties a reward to taxes paid or fiscal contribution (`{phrase}`)", policy.key, park.key),
                        )
                        .with_hint("have it reviewed under the Fair Competition Review Regulation (公平竞争审查条例, in force since 2024-08-01) before publishing"),
                    ));
                }
            }
        }
    }
    // Every sentence of every text is scanned: in parallel, in a stable order.
    out.par_extend(texts(site).par_iter().filter_map(|(text, what)| {
        let claim = text.all().find_map(|(_, t)| find_absolute_claim(t))?;
        Some(place(text.pos(), absolute_claim_warning(&claim, what)))
    }));
    out.par_extend(bodies(site).par_iter().flat_map_iter(|(body, what)| {
        let mut found = Vec::new();
        for source in &body.sources {
            scan_body(
                &source.file,
                source.start,
                source.first_line,
                what,
                &mut found,
            );
        }
        found
    }));
}

fn absolute_claim_warning(claim: &str, what: &str) -> Diagnostic {
    Diagnostic::warning("absolute-claim", format!("{what} makes an absolute claim (`{claim}`)"))
        .with_hint("the Advertising Law (广告法 art. 9) forbids absolute terms in promotion; rephrase, or cite the source in the same sentence (据…, 来源：…)")
}

fn bodies(site: &Site) -> Vec<(&Body, String)> {
    let mut all = Vec::new();
    for park in &site.parks {
        all.extend(
            park.body
                .iter()
                .map(|b| (b, format!("the text of park `{}`", park.key))),
        );
        all.extend(
            park.tenants
                .iter()
                .map(|t| (&t.body, format!("the text of tenant `{}`", t.key))),
        );
    }
    all.extend(
        site.news
            .iter()
            .map(|n| (&n.body, format!("news `{}`", n.key))),
    );
    all.extend(
        site.pages
            .iter()
            .map(|p| (&p.body, format!("page `{}`", p.key))),
    );
    all
}

/// Scans a Markdown body line by line, so a warning points at the exact line and column.
fn scan_body(
    file: &SourceFile,
    start: usize,
    first_line: usize,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(body) = file.text.get(start..) else {
        return;
    };
    // Most bodies have no candidate at all: one scan of the body then stands for all its lines.
    if !may_claim(body) {
        return;
    }
    for (index, line) in body.lines().enumerate() {
        if let Some(claim) = find_absolute_claim(line) {
            let column = line
                .find(claim.as_str())
                .map_or(1, |b| line[..b].chars().count() + 1);
            out.push(absolute_claim_warning(&claim, what).at_line(
                file,
                first_line + index,
                column,
            ));
        }
    }
}

/// The first fiscal-reward phrase in `text`.
pub fn find_fiscal_phrase(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    FISCAL_REWARD_PHRASES
        .iter()
        .copied()
        .find(|p| lower.contains(p))
}

/// The first absolute claim in a sentence of `text` that does not cite its source.
pub fn find_absolute_claim(text: &str) -> Option<String> {
    if !may_claim(text) {
        return None;
    }
    for sentence in text.split(['。', '！', '？', '；', '.', '!', '?', ';', '\n']) {
        let lower = if sentence.chars().any(char::is_uppercase) {
            std::borrow::Cow::Owned(sentence.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(sentence)
        };
        if CITATION_MARKERS.iter().any(|m| lower.contains(m)) {
            continue;
        }
        if let Some(claim) = ABSOLUTE_CLAIMS_ZH.iter().find(|c| sentence.contains(*c)) {
            return Some((*claim).to_owned());
        }
        // Most sentences of a Chinese site have no Latin words to look at.
        if !lower.bytes().any(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let mut joined = String::with_capacity(lower.len() + 2);
        joined.push(' ');
        for word in lower
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
            .filter(|w| !w.is_empty())
        {
            joined.push_str(word);
            joined.push(' ');
        }
        if let Some((claim, _)) = EN_CLAIM_PATTERNS
            .iter()
            .find(|(_, pattern)| joined.contains(pattern.as_str()))
        {
            return Some((*claim).to_owned());
        }
    }
    None
}

/// Whether `text` has anything [`find_absolute_claim`] could find: a Chinese claim, or the first
/// word of an English one in any case. One scan of the whole text; nearly every text has none,
/// and then no sentence is split, lower-cased or joined into words.
fn may_claim(text: &str) -> bool {
    CLAIM_CANDIDATES.is_match(text)
}

/// The characters outside ASCII whose lower case has an ASCII letter in it (U+0130 `İ` → `i̇`,
/// the Kelvin sign → `k`): a claim written with them is found once lower-cased, so a text that
/// has one is always looked at.
const LOWERCASE_TO_ASCII: [char; 2] = ['\u{130}', '\u{212A}'];

/// The Chinese claims, the first word of each English claim (matched ignoring ASCII case) and
/// [`LOWERCASE_TO_ASCII`].
static CLAIM_CANDIDATES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        let english = ABSOLUTE_CLAIMS_EN
            .iter()
            .map(|claim| claim.split(' ').next().unwrap_or(claim));
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(
                (ABSOLUTE_CLAIMS_ZH.iter().copied())
                    .chain(english)
                    .map(str::to_owned)
                    .chain(LOWERCASE_TO_ASCII.iter().map(char::to_string)),
            )
            // A few dozen short literals are far inside every limit of the automaton.
            .unwrap_or_else(|_| unreachable!("the claim automaton builds"))
    });

/// The English claims as whole-word patterns (` best `), made once.
static EN_CLAIM_PATTERNS: std::sync::LazyLock<Vec<(&'static str, String)>> =
    std::sync::LazyLock::new(|| {
        ABSOLUTE_CLAIMS_EN
            .iter()
            .map(|claim| (*claim, format!(" {} ", claim.trim_end_matches('.'))))
            .collect()
    });

fn translation_gaps(site: &Site, out: &mut Vec<Diagnostic>) {
    for missing in &site.translation.missing {
        let message = if missing.foreign_script {
            format!(
                "`{}` is written in Chinese but shown as is on `{}` pages: it has no `{}` translation",
                missing.field, missing.lang, missing.lang
            )
        } else {
            format!(
                "`{}` has no `{}` translation; the default language is shown",
                missing.field, missing.lang
            )
        };
        let mut diagnostic = Diagnostic::warning("translation-missing", message).with_hint(
            if missing.field == "body" {
                format!(
                    "add a translation file beside it named `<name>.{}.md`",
                    missing.lang
                )
            } else {
                format!("write the field as a table with {} = \"…\"", missing.lang)
            },
        );
        diagnostic.file = Some(missing.file.clone());
        diagnostic.line = missing.line;
        diagnostic.column = missing.column;
        out.push(diagnostic);
    }
}

fn image_sizes_for_sharing(
    site: &Site,
    sizes: &HashMap<String, (u32, u32)>,
    out: &mut Vec<Diagnostic>,
) {
    let shared = site
        .zone
        .share_image
        .iter()
        .map(|a| (a, "the share image"))
        .chain(
            site.parks
                .iter()
                .filter_map(|p| p.cover.as_ref())
                .map(|a| (a, "a park cover, used as share image")),
        )
        .chain(
            site.news
                .iter()
                .filter_map(|n| n.cover.as_ref())
                .map(|a| (a, "a news cover, used as share image")),
        );
    // Park covers print across the A4 page (210 mm): 150 dpi needs about 1240 px.
    for asset in site.parks.iter().filter_map(|p| p.cover.as_ref()) {
        if let Some((w, _)) = sizes.get(&asset.path)
            && *w < PRINT_WIDTH_PX
        {
            out.push(asset.pos.place(
                Diagnostic::warning(
                    "image-too-small",
                    format!("`{}` (a park cover, printed across the A4 page) is {w} px wide: under 150 dpi in print", asset.path),
                )
                .with_hint(format!("use an image at least {PRINT_WIDTH_PX} px wide for sharp brochures")),
            ));
        }
    }
    for (asset, what) in shared {
        if let Some((w, h)) = sizes.get(&asset.path)
            && (*w < 300 || *h < 300)
        {
            out.push(asset.pos.place(
                    Diagnostic::warning("image-too-small", format!("`{}` ({what}) is {w}×{h} px; WeChat and other previews need at least 300×300", asset.path))
                        .with_hint("use an image of about 1200×630 px or larger"),
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_claims_unless_cited() {
        assert_eq!(
            find_absolute_claim("打造全国最大的数据中心。").as_deref(),
            Some("最大")
        );
        assert_eq!(
            find_absolute_claim("据《济南日报》报道，这是省内最大的数据湖。"),
            None
        );
        assert_eq!(
            find_absolute_claim("The best place to invest.").as_deref(),
            Some("best")
        );
        assert_eq!(
            find_absolute_claim("Half rent for the first three years."),
            None
        );
        assert_eq!(find_absolute_claim("园区提供一站式服务。"), None);
    }

    #[test]
    fn claims_in_any_case_or_lowered_from_beyond_ascii_are_found() {
        for (text, claim) in [
            ("THE BEST PLACE.", Some("best")),
            ("Ranked number\n one, they say", None),
            ("Ranked Number  one in the province.", Some("number one")),
            ("A top-ran\u{212A}ed park.", Some("top-ranked")),
            ("A bestseller park.", None),
        ] {
            assert_eq!(find_absolute_claim(text).as_deref(), claim, "{text}");
        }
    }

    #[test]
    fn only_the_listed_characters_lower_case_into_ascii() {
        let lowered_to_ascii: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(lowered_to_ascii, LOWERCASE_TO_ASCII);
    }

    #[test]
    fn fiscal_phrases() {
        assert_eq!(
            find_fiscal_phrase("按企业财政贡献给予奖励"),
            Some("财政贡献")
        );
        assert_eq!(
            find_fiscal_phrase("A tax rebate of 50%"),
            Some("tax rebate")
        );
        assert_eq!(find_fiscal_phrase("前三年租金减半"), None);
    }
}
