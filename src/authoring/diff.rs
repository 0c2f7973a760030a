//! `parkpress diff`: the facts that changed between two editions of the content, by park, for the
//! reviewer who signs an edition off (审核) before it is published or printed. Both editions are
//! loaded and resolved by the library as `build` would (drafts left out, confidential tenants
//! unnamed), so the report shows what the public will see change.

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::toml_text::format_number;
use crate::diagnostics::{Diagnostic, Report};
use crate::model::{self, FactorValue, MoneyUnit, Quantity, ResolveOptions, Site, Text, Unit};

/// The edition to compare the current content with.
#[derive(Debug, Clone)]
pub enum OldEdition {
    /// Another site root (a copy of the previous edition).
    Root(PathBuf),
    /// The current root's content at a git revision.
    Git(String),
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The current site root (the new edition).
    pub root: PathBuf,
    /// The old edition.
    pub old: OldEdition,
    /// The date the new edition is judged at (expiry of policies).
    pub build_date: NaiveDate,
    /// The date of the old edition, when known better than parkpress can guess it.
    pub since: Option<NaiveDate>,
}

/// Why there is no report.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// Usage or environment (exit 2): no such folder, not a git repository, unknown revision.
    #[error("{0:#}")]
    Usage(anyhow::Error),
    /// An edition cannot be read at all (exit 1): its site.toml is broken.
    #[error("the {edition} edition cannot be read")]
    Content {
        /// "old" or "new".
        edition: &'static str,
        /// What is wrong with it.
        report: Report,
    },
}

/// One edition: where it came from and the date it is judged at.
#[derive(Debug, Clone)]
pub struct EditionInfo {
    /// A folder or `git REV`.
    pub label: String,
    /// The date policies are judged at.
    pub date: NaiveDate,
    /// Where the date comes from.
    pub date_source: String,
}

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In the new edition only.
    Added,
    /// In the old edition only.
    Removed,
    /// In both, with different facts.
    Changed,
    /// A policy live in the old edition and expired (hidden) in the new.
    Expired,
}

impl Change {
    fn word(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Expired => "expired",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Change::Added => "新增",
            Change::Removed => "删除",
            Change::Changed => "变更",
            Change::Expired => "过期",
        }
    }
}

/// One changed item: a policy, a factor, a tenant, a pipeline, a translation gap.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Added, removed, changed or expired.
    pub change: Change,
    /// What it is, e.g. `rent-subsidy 厂房租金补贴`.
    pub subject: String,
    /// The facts that changed, `field: old → new`.
    pub details: Vec<String>,
}

/// The changes of one kind in a section.
#[derive(Debug, Clone)]
pub struct Group {
    /// E.g. `policies 优惠政策`.
    pub title: &'static str,
    /// Its entries.
    pub entries: Vec<Entry>,
}

/// The zone, or one park.
#[derive(Debug, Clone)]
pub struct Section {
    /// `zone` or the park key.
    pub key: String,
    /// The zone's or park's name.
    pub name: String,
    /// Whether the park itself was added or removed.
    pub change: Option<Change>,
    /// What changed in it.
    pub groups: Vec<Group>,
}

/// The change report.
#[derive(Debug, Clone)]
pub struct DiffReport {
    /// The old edition.
    pub old: EditionInfo,
    /// The new edition.
    pub new: EditionInfo,
    /// The zone first, then each park with changes.
    pub sections: Vec<Section>,
    /// Remarks, e.g. content errors in an edition.
    pub notes: Vec<String>,
    /// What the new edition would be warned about under the law and its dates: fair competition,
    /// the Advertising Law, expired and expiring policies; shown above the signature line.
    pub compliance: Vec<Diagnostic>,
    /// The new edition's site root and theme, for the sign-off sheet.
    root: PathBuf,
    theme: String,
}

/// The warnings a reviewer signs off with the edition, not only the changes.
const COMPLIANCE_CODES: &[&str] = &[
    "fair-competition",
    "absolute-claim",
    "policy-expired",
    "policy-expiring",
];

const POLICIES: &str = "policies 优惠政策";
const FACTORS: &str = "factors 要素保障";
const CARRIERS: &str = "carriers 载体";
const PIPELINE: &str = "pipeline 项目进展";
const METRICS: &str = "metrics 主要数据";
const TENANTS: &str = "tenants 企业";
const TRANSLATIONS: &str = "translations 翻译";
const PROFILE: &str = "profile 园区介绍";

/// Loads both editions and compares them.
pub fn diff(options: &DiffOptions) -> Result<DiffReport, DiffError> {
    let mut notes = Vec::new();
    let new_site = load(&options.root, options.build_date, "new", &mut notes)?;
    let (old_dir, old_label, commit_date) = match &options.old {
        OldEdition::Root(path) => {
            if !crate::is_site_root(path) {
                return Err(DiffError::Usage(anyhow::anyhow!(
                    "`{}` is not a site root (no content/site.toml)\n  = help: pass the folder \
                     holding the old edition's content/, or use --git REV",
                    path.display()
                )));
            }
            (
                Extracted::Path(path.clone()),
                path.display().to_string(),
                None,
            )
        }
        OldEdition::Git(rev) => {
            let (dir, date) = extract_git(&options.root, rev).map_err(DiffError::Usage)?;
            (Extracted::Temp(dir), format!("git {rev}"), Some(date))
        }
    };
    let provisional = options.since.or(commit_date).unwrap_or(options.build_date);
    let old_site = load(old_dir.path(), provisional, "old", &mut notes)?;
    let (old_date, date_source) = match (options.since, commit_date) {
        (Some(date), _) => (date, "--since".to_owned()),
        (None, Some(date)) => (date, "the commit date".to_owned()),
        (None, None) => match newest_date(&old_site) {
            Some(date) => (date, "its newest dated fact".to_owned()),
            None => (options.build_date, "the build date".to_owned()),
        },
    };
    let old_date = old_date.min(options.build_date);
    let old = Snapshot::of(&old_site, old_date);
    let new = Snapshot::of(&new_site, options.build_date);
    let mut compliance: Vec<Diagnostic> =
        crate::checks::domain_warnings(&new_site, &std::collections::HashMap::new())
            .into_iter()
            .filter(|d| COMPLIANCE_CODES.contains(&d.code))
            .collect();
    compliance.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(DiffReport {
        old: EditionInfo {
            label: old_label,
            date: old_date,
            date_source,
        },
        new: EditionInfo {
            label: options.root.display().to_string(),
            date: options.build_date,
            date_source: "the build date".into(),
        },
        sections: compare(&old, &new),
        notes,
        compliance,
        root: options.root.clone(),
        theme: new_site.theme.clone(),
    })
}

/// The old edition's folder: given, or extracted from git into a temporary folder.
enum Extracted {
    Path(PathBuf),
    Temp(tempfile::TempDir),
}

impl Extracted {
    fn path(&self) -> &Path {
        match self {
            Extracted::Path(p) => p,
            Extracted::Temp(t) => t.path(),
        }
    }
}

fn load(
    root: &Path,
    date: NaiveDate,
    edition: &'static str,
    notes: &mut Vec<String>,
) -> Result<Site, DiffError> {
    let loaded = crate::content::load(root, None, None);
    let (site, diagnostics) = model::resolve(
        root,
        loaded,
        &ResolveOptions {
            build_date: date,
            drafts: false,
        },
    );
    let report = Report { diagnostics };
    let errors = report.error_count();
    match site {
        Some(site) => {
            if errors > 0 {
                notes.push(format!(
                    "the {edition} edition has {errors} content error(s); what they affect may be \
                     missing here (run `parkpress check` on it)"
                ));
            }
            Ok(site)
        }
        None => Err(DiffError::Content { edition, report }),
    }
}

/// The newest date an edition states: it was made no earlier than that.
fn newest_date(site: &Site) -> Option<NaiveDate> {
    let zone = &site.zone;
    let parks = site.parks.iter().flat_map(|p| {
        p.factors
            .iter()
            .filter_map(|f| f.as_of)
            .chain(p.carriers.iter().filter_map(|c| c.as_of))
            .chain(p.pipeline.iter().map(|x| x.as_of))
            .chain(p.policies.iter().filter_map(|x| x.valid_from))
            .chain(p.tenants.iter().filter_map(|t| t.since))
    });
    zone.metrics
        .iter()
        .map(|m| m.as_of)
        .chain(zone.pipeline.iter().map(|p| p.as_of))
        .chain(site.news.iter().map(|n| n.date))
        .chain(parks)
        .max()
}

/// Facts of one item as (field, shown value) pairs, in a stable order.
type Facts = Vec<(String, String)>;

/// What one edition says, flattened for comparison.
struct Snapshot {
    zone_name: String,
    metrics: BTreeMap<String, Facts>,
    zone_pipeline: Option<Facts>,
    parks: BTreeMap<String, ParkSnap>,
    order: Vec<String>,
    coverage: BTreeMap<String, (usize, usize)>,
    /// Missing translations: (park, lang, file, field) → how many.
    missing: BTreeMap<(Option<String>, String, String, String), usize>,
}

#[derive(Default)]
struct ParkSnap {
    name: String,
    /// Key → (title, facts, expired at the edition's date).
    policies: BTreeMap<String, (String, Facts, Option<NaiveDate>)>,
    factors: BTreeMap<String, Facts>,
    carriers: BTreeMap<String, Facts>,
    pipeline: Option<Facts>,
    tenants: BTreeMap<String, (String, Facts)>,
    /// Positioning per language, highlights per language, the index page's body per language.
    profile: Profile,
    /// Tenant key → its body per language.
    tenant_bodies: BTreeMap<String, BTreeMap<String, String>>,
    coverage: BTreeMap<String, (usize, usize)>,
    date: Option<NaiveDate>,
}

/// What a park says of itself in prose: positioning, highlights and the narrative of index.md.
#[derive(Default)]
struct Profile {
    positioning: Facts,
    /// Field (`highlights`, `highlights (en)`) → the highlights in that language.
    highlights: BTreeMap<String, Vec<String>>,
    /// Field (`body`, `body (en)`) → the Markdown body.
    bodies: BTreeMap<String, String>,
}

impl Snapshot {
    fn of(site: &Site, date: NaiveDate) -> Self {
        let lang = site.default_lang().to_owned();
        let langs: Vec<String> = site.languages.iter().map(|l| l.code.clone()).collect();
        let f = Flatten {
            default: &lang,
            langs: &langs,
        };
        let metrics = site
            .zone
            .metrics
            .iter()
            .map(|m| {
                let mut facts = vec![(
                    "value".to_owned(),
                    format!("{} (as of {})", f.quantity(&m.quantity), m.as_of),
                )];
                f.opt_text(&mut facts, "source", m.source.as_ref());
                (m.label.get(&lang).to_owned(), facts)
            })
            .collect();
        let parks = site
            .parks
            .iter()
            .map(|p| (p.key.clone(), f.park(p, date)))
            .collect();
        let coverage = |c: &BTreeMap<String, model::Coverage>| {
            c.iter()
                .map(|(l, c)| (l.clone(), (c.present, c.total)))
                .collect()
        };
        let mut parks: BTreeMap<String, ParkSnap> = parks;
        for (key, park) in parks.iter_mut() {
            if let Some(c) = site.translation.parks.get(key) {
                park.coverage = coverage(c);
            }
        }
        let mut missing = BTreeMap::new();
        for m in &site.translation.missing {
            *missing
                .entry((
                    m.park.clone(),
                    m.lang.clone(),
                    m.file.clone(),
                    m.field.clone(),
                ))
                .or_default() += 1;
        }
        Snapshot {
            zone_name: site.zone.name.get(&lang).to_owned(),
            metrics,
            zone_pipeline: site.zone.pipeline.as_ref().map(Flatten::pipeline),
            order: site.parks.iter().map(|p| p.key.clone()).collect(),
            parks,
            coverage: coverage(&site.translation.languages),
            missing,
        }
    }
}

struct Flatten<'a> {
    default: &'a str,
    langs: &'a [String],
}

impl Flatten<'_> {
    /// `field` in the default language, `field (en)` in the others.
    fn field(&self, field: &str, lang: &str) -> String {
        if lang == self.default {
            field.to_owned()
        } else {
            format!("{field} ({lang})")
        }
    }

    fn text(&self, facts: &mut Facts, field: &str, text: &Text) {
        for lang in self.langs {
            facts.push((self.field(field, lang), text.get(lang).to_owned()));
        }
    }

    /// The Markdown of each language that has its own file, as `body`, `body (en)`.
    fn bodies(&self, body: &model::Body) -> BTreeMap<String, String> {
        body.sources
            .iter()
            .map(|source| (self.field("body", &source.lang), source.text().to_owned()))
            .collect()
    }

    fn opt_text(&self, facts: &mut Facts, field: &str, text: Option<&Text>) {
        if let Some(text) = text {
            self.text(facts, field, text);
        }
    }

    fn quantity(&self, q: &Quantity) -> String {
        let value = format_number(q.value);
        match &q.unit {
            Unit::None => value,
            Unit::Money(MoneyUnit::Yuan) => format!("{value}元"),
            Unit::Money(MoneyUnit::WanYuan) => format!("{value}万元"),
            Unit::Money(MoneyUnit::YiYuan) => format!("{value}亿元"),
            Unit::Text(t) => format!("{value} {}", t.get(self.default)),
        }
    }

    fn pipeline(p: &model::Pipeline) -> Facts {
        let count = |n: Option<u32>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
        vec![
            ("signed".into(), count(p.signed)),
            ("to_sign".into(), count(p.to_sign)),
            ("negotiating".into(), count(p.negotiating)),
            ("as_of".into(), p.as_of.to_string()),
        ]
    }

    fn park(&self, park: &model::Park, date: NaiveDate) -> ParkSnap {
        let lang = self.default;
        let mut snap = ParkSnap {
            name: park.name.get(lang).to_owned(),
            date: Some(date),
            ..ParkSnap::default()
        };
        for p in park.policies.iter().filter(|p| !p.draft) {
            let mut facts = Facts::new();
            self.text(&mut facts, "title", &p.title);
            facts.push(("category".into(), p.category.code().to_owned()));
            self.text(&mut facts, "summary", &p.summary);
            self.opt_text(&mut facts, "benefit", p.benefit.as_ref());
            self.opt_text(&mut facts, "eligibility", p.eligibility.as_ref());
            self.opt_text(&mut facts, "source", p.source.as_ref());
            if let Some(d) = &p.document {
                facts.push(("document".into(), d.clone()));
            }
            self.opt_text(&mut facts, "issuer", p.issuer.as_ref());
            if let Some(u) = &p.source_url {
                facts.push(("source_url".into(), u.clone()));
            }
            if let Some(d) = p.valid_from {
                facts.push(("valid_from".into(), d.to_string()));
            }
            if let Some(d) = p.valid_until {
                facts.push(("valid_until".into(), d.to_string()));
            }
            snap.policies.insert(
                p.key.clone(),
                (p.title.get(lang).to_owned(), facts, p.valid_until),
            );
        }
        for factor in &park.factors {
            let kind = factor.kind.code().to_owned();
            let label = factor
                .label
                .as_ref()
                .map(|l| format!(" {}", l.get(lang)))
                .unwrap_or_default();
            let value = match &factor.value {
                Some(FactorValue::Number(n)) => format_number(*n),
                Some(FactorValue::Text(t)) => t.get(lang).to_owned(),
                None => "-".into(),
            };
            let unit = factor
                .unit
                .as_ref()
                .map(|u| format!(" {}", u.get(lang)))
                .unwrap_or_default();
            let as_of = factor
                .as_of
                .map(|d| format!(" (as of {d})"))
                .unwrap_or_default();
            let mut facts = vec![("value".to_owned(), format!("{value}{unit}{as_of}"))];
            for other in self.langs.iter().filter(|l| *l != lang) {
                if let Some(FactorValue::Text(t)) = &factor.value {
                    facts.push((format!("value ({other})"), t.get(other).to_owned()));
                }
                if let Some(u) = &factor.unit {
                    facts.push((format!("unit ({other})"), u.get(other).to_owned()));
                }
                if let Some(l) = &factor.label {
                    facts.push((format!("label ({other})"), l.get(other).to_owned()));
                }
            }
            self.opt_text(&mut facts, "note", factor.note.as_ref());
            insert_unique(&mut snap.factors, format!("{kind}{label}"), facts);
        }
        for c in &park.carriers {
            let kind = c.kind.code().to_owned();
            let mut facts = Facts::new();
            for (field, q) in [
                ("area", &c.area),
                ("available", &c.available),
                ("price", &c.price),
            ] {
                if let Some(q) = q {
                    facts.push((field.into(), self.quantity(q)));
                }
            }
            if let Some(d) = c.as_of {
                facts.push(("as_of".into(), d.to_string()));
            }
            self.opt_text(&mut facts, "note", c.note.as_ref());
            insert_unique(
                &mut snap.carriers,
                format!("{kind} {}", c.name.get(lang)),
                facts,
            );
        }
        snap.pipeline = park.pipeline.as_ref().map(Flatten::pipeline);
        self.text(
            &mut snap.profile.positioning,
            "positioning",
            &park.positioning,
        );
        for lang in self.langs {
            let field = self.field("highlights", lang);
            let list = park.highlights.iter().map(|h| h.get(lang).to_owned());
            snap.profile.highlights.insert(field, list.collect());
        }
        if let Some(body) = &park.body {
            snap.profile.bodies = self.bodies(body);
        }
        for t in &park.tenants {
            let mut facts = Facts::new();
            self.text(&mut facts, "name", &t.name);
            facts.push(("status".into(), t.status.code().to_owned()));
            if let Some(i) = &t.industry {
                facts.push(("industry".into(), i.clone()));
            }
            facts.push(("featured".into(), t.featured.to_string()));
            snap.tenants
                .insert(t.key.clone(), (t.name.get(lang).to_owned(), facts));
            snap.tenant_bodies
                .insert(t.key.clone(), self.bodies(&t.body));
        }
        snap
    }
}

/// Inserts under `key`, numbering repeats (`key #2`) so two entries of the same name both count.
fn insert_unique(map: &mut BTreeMap<String, Facts>, key: String, facts: Facts) {
    let mut name = key.clone();
    let mut n = 1;
    while map.contains_key(&name) {
        n += 1;
        name = format!("{key} #{n}");
    }
    map.insert(name, facts);
}

/// `field: old → new` for each fact that differs, `field: new` / `field: (removed)` for the others.
fn fact_changes(old: &Facts, new: &Facts) -> Vec<String> {
    let old_map: BTreeMap<&str, &str> = old.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let new_map: BTreeMap<&str, &str> = new.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut out = Vec::new();
    for (field, value) in new {
        match old_map.get(field.as_str()) {
            Some(before) if *before == value => {}
            Some(before) => out.push(format!("{field}: {before} → {value}")),
            None => out.push(format!("{field}: (none) → {value}")),
        }
    }
    for (field, value) in old {
        if !new_map.contains_key(field.as_str()) {
            out.push(format!("{field}: {value} → (none)"));
        }
    }
    out
}

/// The facts of a new item; a translation that only repeats the default language (a gap, listed
/// under translations) is left out.
fn facts_list(facts: &Facts) -> Vec<String> {
    let values: BTreeMap<&str, &str> = facts
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    facts
        .iter()
        .filter(|(k, v)| {
            let base = k.split_once(" (").map(|(base, _)| base);
            base.is_none_or(|base| values.get(base) != Some(&v.as_str()))
        })
        .map(|(k, v)| format!("{k}: {v}"))
        .collect()
}

/// Compares keyed items: added, removed, changed.
fn compare_map(
    old: &BTreeMap<String, Facts>,
    new: &BTreeMap<String, Facts>,
    show_added: bool,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for (key, facts) in new {
        match old.get(key) {
            None => out.push(Entry {
                change: Change::Added,
                subject: key.clone(),
                details: if show_added {
                    facts_list(facts)
                } else {
                    Vec::new()
                },
            }),
            Some(before) => {
                let details = fact_changes(before, facts);
                if !details.is_empty() {
                    out.push(Entry {
                        change: Change::Changed,
                        subject: key.clone(),
                        details,
                    });
                }
            }
        }
    }
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(Entry {
            change: Change::Removed,
            subject: key.clone(),
            details: Vec::new(),
        });
    }
    out
}

fn compare_pipeline(old: Option<&Facts>, new: Option<&Facts>, subject: &str) -> Vec<Entry> {
    match (old, new) {
        (None, None) => Vec::new(),
        (None, Some(new)) => vec![Entry {
            change: Change::Added,
            subject: subject.to_owned(),
            details: facts_list(new),
        }],
        (Some(_), None) => vec![Entry {
            change: Change::Removed,
            subject: subject.to_owned(),
            details: Vec::new(),
        }],
        (Some(old), Some(new)) => {
            let details = fact_changes(old, new);
            if details.is_empty() {
                Vec::new()
            } else {
                vec![Entry {
                    change: Change::Changed,
                    subject: subject.to_owned(),
                    details,
                }]
            }
        }
    }
}

fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut zone = Vec::new();
    push_group(
        &mut zone,
        METRICS,
        compare_map(&old.metrics, &new.metrics, true),
    );
    push_group(
        &mut zone,
        PIPELINE,
        compare_pipeline(
            old.zone_pipeline.as_ref(),
            new.zone_pipeline.as_ref(),
            "zone pipeline",
        ),
    );
    push_group(
        &mut zone,
        TRANSLATIONS,
        translation_entries(&old.coverage, &new.coverage, old, new, None),
    );
    if !zone.is_empty() {
        sections.push(Section {
            key: "zone".into(),
            name: new.zone_name.clone(),
            change: None,
            groups: zone,
        });
    }
    let removed = old.order.iter().filter(|k| !new.parks.contains_key(*k));
    for key in new.order.iter().chain(removed) {
        let empty = ParkSnap::default();
        let (before, after, change) = match (old.parks.get(key), new.parks.get(key)) {
            (Some(b), Some(a)) => (b, a, None),
            (None, Some(a)) => (&empty, a, Some(Change::Added)),
            (Some(b), None) => {
                sections.push(Section {
                    key: key.clone(),
                    name: b.name.clone(),
                    change: Some(Change::Removed),
                    groups: Vec::new(),
                });
                continue;
            }
            (None, None) => continue,
        };
        let mut groups = Vec::new();
        push_group(
            &mut groups,
            PROFILE,
            compare_profile(&before.profile, &after.profile),
        );
        push_group(&mut groups, POLICIES, compare_policies(before, after));
        push_group(
            &mut groups,
            FACTORS,
            compare_map(&before.factors, &after.factors, true),
        );
        push_group(
            &mut groups,
            CARRIERS,
            compare_map(&before.carriers, &after.carriers, true),
        );
        push_group(
            &mut groups,
            PIPELINE,
            compare_pipeline(
                before.pipeline.as_ref(),
                after.pipeline.as_ref(),
                "pipeline",
            ),
        );
        push_group(&mut groups, TENANTS, compare_tenants(before, after));
        push_group(
            &mut groups,
            TRANSLATIONS,
            translation_entries(&before.coverage, &after.coverage, old, new, Some(key)),
        );
        if groups.is_empty() && change.is_none() {
            continue;
        }
        sections.push(Section {
            key: key.clone(),
            name: after.name.clone(),
            change,
            groups,
        });
    }
    sections
}

fn push_group(groups: &mut Vec<Group>, title: &'static str, entries: Vec<Entry>) {
    if !entries.is_empty() {
        groups.push(Group { title, entries });
    }
}

fn compare_policies(old: &ParkSnap, new: &ParkSnap) -> Vec<Entry> {
    let mut out = Vec::new();
    let expired = |until: Option<NaiveDate>, date: Option<NaiveDate>| match (until, date) {
        (Some(until), Some(date)) => until < date,
        _ => false,
    };
    for (key, (title, facts, until)) in &new.policies {
        let subject = format!("{key} {title}");
        let now_expired = expired(*until, new.date);
        match old.policies.get(key) {
            None => {
                let mut details = facts_list(facts);
                if now_expired {
                    details.insert(0, "already expired: hidden from the site and print".into());
                }
                out.push(Entry {
                    change: Change::Added,
                    subject,
                    details,
                });
            }
            Some((_, before, old_until)) => {
                let mut details = fact_changes(before, facts);
                if now_expired && !expired(*old_until, old.date) {
                    let until = until.map(|d| d.to_string()).unwrap_or_default();
                    details.insert(
                        0,
                        format!("valid until {until}: now hidden from the site and print"),
                    );
                    out.push(Entry {
                        change: Change::Expired,
                        subject,
                        details,
                    });
                } else if !details.is_empty() {
                    out.push(Entry {
                        change: Change::Changed,
                        subject,
                        details,
                    });
                }
            }
        }
    }
    for (key, (title, _, _)) in &old.policies {
        if !new.policies.contains_key(key) {
            out.push(Entry {
                change: Change::Removed,
                subject: format!("{key} {title}"),
                details: Vec::new(),
            });
        }
    }
    out
}

fn compare_tenants(old_park: &ParkSnap, new_park: &ParkSnap) -> Vec<Entry> {
    // Keyed by file key, so a renamed company is a change, not a removal and an addition.
    let by_key = |m: &BTreeMap<String, (String, Facts)>| -> BTreeMap<String, Facts> {
        m.iter().map(|(k, (_, f))| (k.clone(), f.clone())).collect()
    };
    let mut entries = compare_map(&by_key(&old_park.tenants), &by_key(&new_park.tenants), true);
    for entry in &mut entries {
        let name = new_park
            .tenants
            .get(&entry.subject)
            .or_else(|| old_park.tenants.get(&entry.subject))
            .map(|(name, _)| name.clone())
            .unwrap_or_default();
        entry.subject = format!("{} {name}", entry.subject);
        if entry.change == Change::Added {
            entry.details.retain(|d| d.starts_with("status"));
        }
    }
    // A tenant whose facts are the same but whose narrative changed is a change too.
    for (key, new_bodies) in &new_park.tenant_bodies {
        let Some(old_bodies) = old_park.tenant_bodies.get(key) else {
            continue;
        };
        let lines = body_changes(old_bodies, new_bodies);
        if lines.is_empty() {
            continue;
        }
        let name = new_park.tenants.get(key).map_or("", |(n, _)| n.as_str());
        let subject = format!("{key} {name}");
        match entries.iter_mut().find(|e| e.subject == subject) {
            Some(entry) => entry.details.extend(lines),
            None => entries.push(Entry {
                change: Change::Changed,
                subject,
                details: lines,
            }),
        }
    }
    entries
}

/// Positioning (old → new), highlights added and removed, and the narrative by paragraph.
fn compare_profile(old: &Profile, new: &Profile) -> Vec<Entry> {
    let mut details = fact_changes(&old.positioning, &new.positioning);
    for (field, after) in &new.highlights {
        let before = old.highlights.get(field).map_or(&[][..], Vec::as_slice);
        for line in paragraph_diff(before, after) {
            details.push(format!("{field}: {line}"));
        }
    }
    details.extend(body_changes(&old.bodies, &new.bodies));
    if details.is_empty() {
        return Vec::new();
    }
    vec![Entry {
        change: Change::Changed,
        subject: "positioning, highlights, narrative".into(),
        details,
    }]
}

/// `body: − paragraph` and `body: + paragraph` for each paragraph that went and came, per language.
fn body_changes(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<String> {
    let fields: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for field in fields {
        let before = paragraphs(old.get(field).map_or("", String::as_str));
        let after = paragraphs(new.get(field).map_or("", String::as_str));
        for line in paragraph_diff(&before, &after) {
            out.push(format!("{field}: {line}"));
        }
    }
    out
}

/// The paragraphs of a Markdown text: blocks between blank lines, lines joined with a space.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).chain(std::iter::once("")) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    out
}

/// `− old` and `+ new` lines for what differs between two lists, in order (a longest common
/// subsequence keeps the unchanged items out of the report).
fn paragraph_diff(old: &[String], new: &[String]) -> Vec<String> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("− {}", old[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", new[j]));
            j += 1;
        }
    }
    out
}

fn translation_entries(
    old_coverage: &BTreeMap<String, (usize, usize)>,
    new_coverage: &BTreeMap<String, (usize, usize)>,
    old: &Snapshot,
    new: &Snapshot,
    park: Option<&String>,
) -> Vec<Entry> {
    let mut out = Vec::new();
    let percent = |(present, total): (usize, usize)| {
        if total == 0 {
            100.0
        } else {
            present as f64 * 100.0 / total as f64
        }
    };
    let langs: BTreeSet<&String> = old_coverage.keys().chain(new_coverage.keys()).collect();
    for lang in langs {
        let before = old_coverage.get(lang).copied().unwrap_or((0, 0));
        let after = new_coverage.get(lang).copied().unwrap_or((0, 0));
        let count = |park_missing: &BTreeMap<(Option<String>, String, String, String), usize>| {
            park_missing
                .iter()
                .filter(|((p, l, _, _), _)| p.as_ref() == park && l == lang)
                .map(|((_, _, file, field), n)| ((file.clone(), field.clone()), *n))
                .collect::<BTreeMap<(String, String), usize>>()
        };
        let old_missing = count(&old.missing);
        let new_missing = count(&new.missing);
        let mut details = Vec::new();
        for (item, n) in &new_missing {
            let was = old_missing.get(item).copied().unwrap_or(0);
            if *n > was {
                details.push(gap_line("missing", item, n - was));
            }
        }
        for (item, n) in &old_missing {
            let now = new_missing.get(item).copied().unwrap_or(0);
            if *n > now {
                details.push(gap_line("translated", item, n - now));
            }
        }
        if details.is_empty() && percent(before).round() == percent(after).round() {
            continue;
        }
        out.push(Entry {
            change: Change::Changed,
            subject: format!(
                "{lang}: {:.0}% ({} of {}) → {:.0}% ({} of {})",
                percent(before),
                before.0,
                before.1,
                percent(after),
                after.0,
                after.1
            ),
            details,
        });
    }
    out
}

fn gap_line(what: &str, (file, field): &(String, String), n: usize) -> String {
    if n > 1 {
        format!("{what}: {file} `{field}` ({n}×)")
    } else {
        format!("{what}: {file} `{field}`")
    }
}

impl DiffReport {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// How many items changed.
    pub fn change_count(&self) -> usize {
        self.sections
            .iter()
            .map(|s| {
                usize::from(s.change.is_some())
                    + s.groups.iter().map(|g| g.entries.len()).sum::<usize>()
            })
            .sum()
    }

    /// The report for the terminal.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Changes from {} (as of {}, {}) to {} (as of {})",
            self.old.label, self.old.date, self.old.date_source, self.new.label, self.new.date
        );
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        if self.is_empty() {
            let _ = writeln!(out, "\nNo facts changed.");
            return out;
        }
        for section in &self.sections {
            let what = if section.key == "zone" {
                format!("Zone: {}", section.name)
            } else {
                format!("Park {}: {}", section.key, section.name)
            };
            let status = section
                .change
                .map(|c| format!(" ({})", c.word()))
                .unwrap_or_default();
            let _ = writeln!(out, "\n== {what}{status} ==");
            for group in &section.groups {
                let _ = writeln!(out, "{}", group.title);
                for entry in &group.entries {
                    let _ = writeln!(out, "  {:<8} {}", entry.change.word(), entry.subject);
                    for detail in &entry.details {
                        let _ = writeln!(out, "           {detail}");
                    }
                }
            }
        }
        let _ = writeln!(out, "\n{} change(s).", self.change_count());
        if !self.compliance.is_empty() {
            let _ = writeln!(out, "\nCompliance warnings of the new edition:");
            for d in &self.compliance {
                let _ = writeln!(out, "  {} [{}] {}", d.location(), d.code, d.message);
            }
        }
        out
    }

    /// A printable page for the reviewer, with a sign-off line (审核人 / 日期), from the new
    /// edition's theme (`internal/diff-report.html`).
    pub fn render_html(&self) -> Result<String, Diagnostic> {
        let theme = crate::theme::load(&self.root, &self.theme, None)?;
        let change = |c: Change| SheetChange {
            word: c.word(),
            zh: c.zh(),
        };
        let edition = |e: &'_ EditionInfo| SheetEdition {
            label: e.label.clone(),
            date: e.date.to_string(),
        };
        let sheet = Sheet {
            old: edition(&self.old),
            new: edition(&self.new),
            changes: self.change_count(),
            notes: &self.notes,
            sections: self
                .sections
                .iter()
                .map(|section| SheetSection {
                    zone: section.key == "zone",
                    key: &section.key,
                    name: &section.name,
                    change: section.change.map(change),
                    groups: section
                        .groups
                        .iter()
                        .map(|group| SheetGroup {
                            title: group.title,
                            entries: group
                                .entries
                                .iter()
                                .map(|entry| SheetEntry {
                                    change: change(entry.change),
                                    subject: &entry.subject,
                                    details: entry
                                        .details
                                        .iter()
                                        .map(|d| sheet_detail(d))
                                        .collect(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            compliance: self
                .compliance
                .iter()
                .map(|d| SheetWarning {
                    kind: compliance_kind(d.code),
                    place: d.location(),
                    message: &d.message,
                })
                .collect(),
        };
        theme.render_internal("internal/diff-report.html", &sheet)
    }
}

/// The sign-off sheet's context (theme template `internal/diff-report.html`).
#[derive(Serialize)]
struct Sheet<'a> {
    old: SheetEdition,
    new: SheetEdition,
    changes: usize,
    notes: &'a [String],
    sections: Vec<SheetSection<'a>>,
    compliance: Vec<SheetWarning<'a>>,
}

/// An edition as the sheet names it: where it came from, and its date.
#[derive(Serialize)]
struct SheetEdition {
    label: String,
    date: String,
}

/// A change in both of the sheet's languages: `added` (the CSS class too) and `新增`.
#[derive(Serialize)]
struct SheetChange {
    word: &'static str,
    zh: &'static str,
}

/// The zone or a park on the sheet.
#[derive(Serialize)]
struct SheetSection<'a> {
    zone: bool,
    key: &'a str,
    name: &'a str,
    change: Option<SheetChange>,
    groups: Vec<SheetGroup<'a>>,
}

/// One table of the sheet.
#[derive(Serialize)]
struct SheetGroup<'a> {
    title: &'a str,
    entries: Vec<SheetEntry<'a>>,
}

/// One row: what changed, and its details with the fields named as staff know them.
#[derive(Serialize)]
struct SheetEntry<'a> {
    change: SheetChange,
    subject: &'a str,
    details: Vec<String>,
}

/// A compliance warning under the changes.
#[derive(Serialize)]
struct SheetWarning<'a> {
    kind: &'static str,
    place: String,
    message: &'a str,
}

/// What a compliance warning is about, for the sheet.
fn compliance_kind(code: &str) -> &'static str {
    match code {
        "fair-competition" => "公平竞争审查 Fair competition",
        "absolute-claim" => "广告法 Advertising Law",
        "policy-expired" => "政策已过期 Expired policy",
        _ => "政策即将到期 Expiring policy",
    }
}

/// The sheet's (Chinese) names of the fields in the report, as staff know them from the import
/// sheets: `生效日期`, not `valid_from`.
const FIELD_NAMES: &[(&str, &str)] = &[
    ("title", "标题"),
    ("category", "类别"),
    ("summary", "摘要"),
    ("benefit", "扶持内容"),
    ("eligibility", "申请条件"),
    ("document", "文号"),
    ("issuer", "发文机关"),
    ("source", "来源"),
    ("source_url", "链接"),
    ("valid_from", "生效日期"),
    ("valid_until", "截止日期"),
    ("value", "数值"),
    ("unit", "单位"),
    ("label", "名称"),
    ("note", "备注"),
    ("as_of", "截至日期"),
    ("area", "面积"),
    ("available", "可租售面积"),
    ("price", "价格"),
    ("signed", "已签约"),
    ("to_sign", "待签约"),
    ("negotiating", "在谈"),
    ("name", "名称"),
    ("status", "状态"),
    ("industry", "行业"),
    ("featured", "重点"),
    ("positioning", "产业定位"),
    ("highlights", "亮点"),
    ("body", "正文"),
    ("missing", "缺少翻译"),
    ("translated", "已翻译"),
];

/// A detail line with its field named in the sheet's language: `生效日期 (en): …`.
fn sheet_detail(detail: &str) -> String {
    let Some((field, rest)) = detail.split_once(": ") else {
        return detail.to_owned();
    };
    let (base, lang) = match field.split_once(" (") {
        Some((base, lang)) => (base, Some(lang)),
        None => (field, None),
    };
    match FIELD_NAMES.iter().find(|(code, _)| *code == base) {
        Some((_, zh)) => match lang {
            Some(lang) => format!("{zh} ({lang}: {rest}"),
            None => format!("{zh}: {rest}"),
        },
        None => detail.to_owned(),
    }
}

/// Extracts `content/` of the site at `root` as it was at `rev` into a temporary folder; returns
/// it and the commit's date.
fn extract_git(root: &Path, rev: &str) -> anyhow::Result<(tempfile::TempDir, NaiveDate)> {
    let top = git(root, &["rev-parse", "--show-toplevel"], None)
        .map_err(|e| anyhow::anyhow!("`{}` is not in a git repository: {e:#}", root.display()))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let prefix = git(root, &["rev-parse", "--show-prefix"], None)?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_owned();
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        None,
    )
    .map_err(|_| {
        anyhow::anyhow!(
            "`{rev}` is not a revision of this repository\n  = help: use a commit, tag or branch, \
             e.g. HEAD~1 or a tag of the last published edition (`git log --oneline` lists them)"
        )
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_owned();
    let date = git(&top, &["show", "-s", "--format=%cI", &commit], None)?;
    let date = String::from_utf8_lossy(&date);
    let date = date
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| anyhow::anyhow!("git gave no date for `{rev}`"))?;
    let content = format!("{prefix}content");
    let listing = git(
        &top,
        &["ls-tree", "-r", "-z", &commit, "--", &content],
        None,
    )?;
    let mut blobs = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (mode, kind, oid) = (parts.next(), parts.next(), parts.next());
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        let (Some(oid), Some(rel)) = (oid, path.strip_prefix(&prefix)) else {
            continue;
        };
        blobs.push((oid.to_owned(), rel.to_owned()));
    }
    if !blobs.iter().any(|(_, p)| p == "content/site.toml") {
        anyhow::bail!(
            "revision `{rev}` has no `{content}/site.toml`\n  = help: pick a revision that has \
             the site's content"
        );
    }
    let dir = tempfile::Builder::new()
        .prefix("parkpress-diff-")
        .tempdir()
        .context("cannot create a temporary folder")?;
    let input: String = blobs.iter().map(|(oid, _)| format!("{oid}\n")).collect();
    let output = git(&top, &["cat-file", "--batch"], Some(input.into_bytes()))?;
    let mut rest = output.as_slice();
    for (_, rel) in &blobs {
        let header_end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| anyhow::anyhow!("unexpected output from git cat-file"))?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("unexpected output from git cat-file: {header}"))?;
        let body = rest
            .get(header_end + 1..header_end + 1 + size)
            .ok_or_else(|| anyhow::anyhow!("git cat-file output ends early"))?;
        // Git paths use `/`; refuse anything that could leave the temporary folder.
        if rel.split('/').any(|part| part == ".." || part.is_empty()) {
            anyhow::bail!("revision `{rev}` has a path parkpress will not extract: {rel}");
        }
        let target = dir.path().join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&target, body)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        rest = rest.get(header_end + 2 + size..).unwrap_or(&[]);
    }
    Ok((dir, date))
}

/// Runs `git -C dir args…`, feeding `input` on stdin; returns stdout, or stderr as the error.
fn git(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run git: {e}\n  = help: install git (https://git-scm.com), or compare with \
                 a copy of the old edition: `parkpress diff OLD_ROOT`"
            )
        })?;
    // Feed stdin on its own thread so a large output cannot block the input.
    let writer = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })),
        _ => None,
    };
    let mut stdout = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_end(&mut stdout)
            .context("cannot read git's output")?;
    }
    let mut stderr = Vec::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_end(&mut stderr);
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let status = child.wait().context("git did not finish")?;
    if !status.success() {
        anyhow::bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&stderr).trim()
        );
    }
    Ok(stdout)
}
