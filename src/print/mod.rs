//! Stage 5 (with `--pdf` or `parkpress pdf`): brochures and flyers as PDFs, typeset in-process by
//! Typst. The theme's Tera print templates (`print/*.typ`) receive the same typed views as the web
//! templates, with text escaped for Typst and Markdown bodies converted to Typst markup; Typst lays
//! the pages out and `typst-pdf` writes them. Every document is compiled in parallel with the fonts
//! loaded once.

pub mod bleed;
pub mod carry;
mod fit;
pub mod fonts;
pub mod layout;
pub mod markup;
pub mod poster;
pub mod watchdog;
pub mod world;

use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::files::{Contents, OutputFile};
use crate::model::Site;
use crate::share::ShareLinks;
use crate::theme::{Templates, Theme};
use crate::views::{LangViews, ViewCx};
use fonts::Fonts;
use world::{PrintWorld, Shared};

/// Print templates every theme (with its parents) must provide.
pub const PRINT_TEMPLATES: &[&str] = &["zone.typ", "park.typ", "flyer.typ"];
/// The print template of a park's roll-up banner (易拉宝, `pdf --print-shop`).
pub const BANNER_TEMPLATE: &str = "banner.typ";
/// The print template of a park's contact cards (`pdf --print-shop`).
pub const CARDS_TEMPLATE: &str = "cards.typ";

/// Which PDFs to make: all, or one park's, or one language's; for the site, one audience or the
/// print shop.
#[derive(Debug, Clone, Default)]
pub struct PdfSelection {
    /// Only this park (and no zone brochure).
    pub park: Option<String>,
    /// Only this language.
    pub lang: Option<String>,
    /// The brochures and flyers of this audience, in its language, for the share kit.
    pub audience: Option<String>,
    /// The print shop's files: brochures and flyers with bleed, banners and contact cards.
    pub print_shop: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zone,
    Park(usize),
    Flyer(usize),
    Banner(usize),
    Cards(usize),
}

/// Where a PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// The public site's `pdf/`.
    Site,
    /// One audience's brochures in the share kit, `share-kit/pdf/<audience>/`.
    Audience(String),
    /// The print shop's files, `print-shop/`.
    PrintShop,
}

/// One PDF to make.
#[derive(Debug, Clone)]
pub struct PdfJob {
    kind: Kind,
    lang: String,
    /// Output path inside its folder (see `dest`), e.g. `pdf/parks/data-lake.zh.pdf`.
    pub path: String,
    /// Which folder it goes to: `output/`, `share-kit/` or `print-shop/`.
    pub dest: Dest,
}

/// Codes of the warnings found only while typesetting PDFs and posters, which `check` (it
/// typesets nothing) cannot show: the commands that typeset print them in full.
pub const TYPESETTING_WARNINGS: &[&str] = &[
    "print-resolution",
    "poster-layout",
    "poster-size",
    "poster-template",
    "poster-fonts",
    "print-cache",
    "stale-pdf",
];

/// Bleed of the print shop's files on every side, in millimetres.
pub const BLEED_MM: f64 = 3.0;

/// The PDFs a selection asks for; an unknown park, language or audience is a usage error.
pub fn plan(site: &Site, selection: &PdfSelection) -> anyhow::Result<Vec<PdfJob>> {
    if let Some(lang) = &selection.lang
        && !site.languages.iter().any(|l| &l.code == lang)
    {
        let known: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
        anyhow::bail!(
            "no language `{lang}` in this site\n  = help: languages: {}",
            known.join(", ")
        );
    }
    if let Some(park) = &selection.park
        && site.park(park).is_none()
    {
        let known: Vec<&str> = site.parks.iter().map(|p| p.key.as_str()).collect();
        anyhow::bail!("no park `{park}`\n  = help: parks: {}", known.join(", "));
    }
    let audience = match &selection.audience {
        Some(key) => {
            let Some(audience) = site.audiences.iter().find(|a| &a.key == key) else {
                let known: Vec<&str> = site.audiences.iter().map(|a| a.key.as_str()).collect();
                anyhow::bail!(
                    "no audience `{key}` in content/audiences.toml\n  = help: audiences: {}",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                );
            };
            if selection
                .lang
                .as_ref()
                .is_some_and(|l| *l != audience.language)
            {
                anyhow::bail!(
                    "audience `{key}` reads `{}`: its brochures are made in that language only\n  = help: leave out --lang",
                    audience.language
                );
            }
            Some(audience)
        }
        None => None,
    };
    let (dest, prefix) = match (audience, selection.print_shop) {
        (Some(a), _) => (Dest::Audience(a.key.clone()), format!("pdf/{}/", a.key)),
        (None, true) => (Dest::PrintShop, String::new()),
        (None, false) => (Dest::Site, "pdf/".to_owned()),
    };
    let mut jobs = Vec::new();
    // `site_path` is the path in the public site's `pdf/`; other folders get their own prefix.
    let mut push = |kind: Kind, lang: &str, site_path: String| {
        jobs.push(PdfJob {
            kind,
            lang: lang.to_owned(),
            path: format!("{prefix}{}", site_path.trim_start_matches("pdf/")),
            dest: dest.clone(),
        });
    };
    for lang in site
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .filter(|l| selection.lang.as_deref().is_none_or(|s| s == *l))
        .filter(|l| audience.is_none_or(|a| a.language == *l))
    {
        if selection.park.is_none() {
            push(Kind::Zone, lang, crate::urls::pdf::zone(lang));
        }
        for (index, park) in site.parks.iter().enumerate() {
            if selection.park.as_deref().is_some_and(|p| p != park.key) {
                continue;
            }
            let key = &park.key;
            push(Kind::Park(index), lang, crate::urls::pdf::park(key, lang));
            push(Kind::Flyer(index), lang, crate::urls::pdf::flyer(key, lang));
            if selection.print_shop && audience.is_none() {
                push(
                    Kind::Banner(index),
                    lang,
                    format!("pdf/banners/{key}.{lang}.pdf"),
                );
                push(
                    Kind::Cards(index),
                    lang,
                    format!("pdf/cards/{key}.{lang}.pdf"),
                );
            }
        }
    }
    Ok(jobs)
}

/// Checks before typesetting that some font covers each language's script; else an environment
/// error naming the script and the package to install.
pub fn check_fonts(fonts: &Fonts, jobs: &[PdfJob]) -> anyhow::Result<()> {
    check_languages(fonts, jobs.iter().map(|j| j.lang.as_str()))
}

/// [`check_fonts`] for documents in `langs`.
pub fn check_languages<'a>(
    fonts: &Fonts,
    langs: impl Iterator<Item = &'a str>,
) -> anyhow::Result<()> {
    let langs: BTreeSet<&str> = langs.collect();
    let missing: Vec<String> = langs
        .into_iter()
        .filter_map(|lang| {
            let (script, sample, package) = fonts::script_of(lang);
            (!fonts.covers(sample)).then(|| {
                format!("{script} (`{lang}`; on Debian/Ubuntu: apt-get install {package})")
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "no installed font covers the text of the PDFs in: {}\n  = help: install the fonts named, put font files in the theme's fonts/, or pass --font-path DIR (see \"Fonts for PDFs\" in the README)",
        missing.join("; ")
    )
}

/// Metadata of a document, for `#set document(…)` and the footer.
#[derive(Debug, Clone, Serialize)]
struct DocInfo {
    title: String,
    author: String,
    kind: &'static str,
    lang: String,
    region: String,
    year: i32,
    month: u32,
    day: u32,
    edition: String,
    /// Bleed on every side (`3mm` in the print shop's files, else `0mm`): what
    /// `#set page(bleed: …)` gets, and what full-bleed backgrounds add to their size.
    bleed: String,
    /// 0: the theme's own setting; 1, 2: a step tighter, for a park brochure that would end on a
    /// page holding only a few lines (see `fit`).
    tighten: u8,
}

/// Everything typesetting needs from the build.
pub struct PrintInputs<'a> {
    /// What the views were built from (site, theme, image plan, share links, PDFs of this run).
    pub cx: &'a ViewCx<'a>,
    /// The views of every language, the same the web pages use.
    pub views: &'a [LangViews],
    /// Where generated Typst sources are kept for inspection.
    pub cache_dir: &'a Path,
}

/// Typesets `jobs`: the PDFs, or the problems (Typst errors naming template and line, flyers that
/// do not fit one page).
pub fn typeset(
    inputs: &PrintInputs<'_>,
    jobs: &[PdfJob],
    fonts: &Fonts,
) -> (Vec<(Dest, OutputFile)>, Vec<Diagnostic>) {
    let cx = inputs.cx;
    let site = cx.site;
    let teras = match teras(cx, jobs) {
        Ok(teras) => teras,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let shared = shared(cx, fonts);
    // The print shop's files embed every pixel of the originals.
    let print_shop = Shared {
        full_resolution: true,
        ..self::shared(cx, fonts)
    };
    let mut diagnostics = Vec::new();
    let sources_dir = cache_folder(inputs.cache_dir.join("print"), &site.root, &mut diagnostics);
    let results: Vec<Result<Compiled, Vec<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let lang_views = (inputs.views.iter())
                .find(|v| v.lang == job.lang)
                .ok_or_else(Vec::new)?;
            let tera = &teras[&print_audience(job)];
            let (template, source) = generate(tera, cx, lang_views, job, 0)?;
            let fields = printed_fields(cx, job);
            let shared = if job.dest == Dest::PrintShop {
                &print_shop
            } else {
                &shared
            };
            let printed = Printed {
                job,
                fields: &fields,
                shared,
            };
            let lay_out_job = |template: &str, source: String| {
                lay_out(
                    shared,
                    &source_name(job),
                    &job.path,
                    template,
                    source,
                    sources_dir.as_deref(),
                    &site.root,
                )
            };
            let (mut document, mut kept) = lay_out_job(template, source)?;
            if let Kind::Park(_) = job.kind {
                for step in 1..=fit::STEPS {
                    if !fit::ends_short(&document) {
                        break;
                    }
                    let (template, source) = generate(tera, cx, lang_views, job, step)?;
                    let (tighter, kept_tighter) = lay_out_job(template, source)?;
                    if !fit::ends_short(&tighter) {
                        document = tighter;
                        kept = kept_tighter;
                    }
                }
            }
            let (file, mut warnings) = write_pdf(&document, &printed)?;
            warnings.extend(kept);
            Ok((file, warnings))
        })
        .collect();
    let mut files = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((file, warnings)) => {
                files.push((job.dest.clone(), file));
                diagnostics.extend(warnings);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (files, diagnostics)
}

/// A PDF and the warnings typesetting it gave (images too coarse for print).
type Compiled = (OutputFile, Vec<Diagnostic>);

/// The audience whose links a job's QR codes carry in place of the built-in `brochure`.
fn print_audience(job: &PdfJob) -> Option<&str> {
    match &job.dest {
        Dest::Audience(key) => Some(key),
        _ => None,
    }
}

/// A Tera instance for each audience the jobs' QR codes carry.
fn teras<'j>(
    cx: &ViewCx<'_>,
    jobs: &'j [PdfJob],
) -> Result<HashMap<Option<&'j str>, tera::Tera>, Diagnostic> {
    let mut teras = HashMap::new();
    for audience in jobs.iter().map(print_audience) {
        if let std::collections::hash_map::Entry::Vacant(slot) = teras.entry(audience) {
            slot.insert(print_tera(cx.theme, cx.links, audience)?);
        }
    }
    Ok(teras)
}

/// What every document of a run shares: Typst's library, the fonts, the site's files and QR codes.
fn shared<'a>(cx: &ViewCx<'a>, fonts: &'a Fonts) -> Shared<'a> {
    let site = cx.site;
    let date = site.build_date;
    Shared {
        library: typst::utils::LazyHash::new(
            <typst::Library as typst::LibraryExt>::builder().build(),
        ),
        fonts,
        content_dir: site.root.join("content"),
        assets: &site.assets,
        images: cx.images,
        full_resolution: false,
        embedded: std::sync::Mutex::default(),
        qr_codes: cx
            .links
            .links
            .iter()
            .map(|l| (l.code.clone(), l.short_url.clone()))
            .collect(),
        today: typst::foundations::Datetime::from_ymd(
            chrono::Datelike::year(&date),
            chrono::Datelike::month(&date) as u8,
            chrono::Datelike::day(&date) as u8,
        )
        .unwrap_or_else(|| {
            typst::foundations::Datetime::from_ymd(2000, 1, 1).expect("a valid date")
        }),
    }
}

/// A fingerprint of what each job's PDF is made from: its generated Typst source, the site's
/// address (its QR codes) and the content files the source embeds (by size and modification
/// time). A PDF whose fingerprint is unchanged needs no typesetting again.
pub fn fingerprints(inputs: &PrintInputs<'_>, jobs: &[PdfJob]) -> HashMap<String, u64> {
    let cx = inputs.cx;
    let Ok(teras) = teras(cx, jobs) else {
        return HashMap::new();
    };
    jobs.par_iter()
        .filter_map(|job| {
            let views = inputs.views.iter().find(|v| v.lang == job.lang)?;
            let (_, source) = generate(&teras[&print_audience(job)], cx, views, job, 0).ok()?;
            Some((job.path.clone(), source_fingerprint(cx, &source)))
        })
        .collect()
}

/// A fingerprint of a document made from generated Typst `source`: the source itself, the site's
/// address (its QR codes) and the content files the source embeds (by size and modification time).
fn source_fingerprint(cx: &ViewCx<'_>, source: &str) -> u64 {
    let content = cx.site.root.join("content");
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(cx.site.base_url.as_bytes());
    hasher.update(source.as_bytes());
    for asset in cx
        .site
        .assets
        .iter()
        .filter(|a| source.contains(a.as_str()))
    {
        hasher.update(asset.as_bytes());
        if let Ok(meta) = std::fs::metadata(content.join(asset)) {
            hasher.update(&meta.len().to_le_bytes());
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            hasher.update(&modified.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    hasher.digest()
}

/// The Tera instance for print templates: no HTML escaping; `typst` and `typst_str` filters.
/// In the PDFs of one audience (`pdf --audience`), `audience` stands in for the built-in
/// `brochure` audience, so every QR code carries that audience's short links.
fn print_tera(
    theme: &Theme,
    links: &std::sync::Arc<ShareLinks>,
    audience: Option<&str>,
) -> Result<tera::Tera, Diagnostic> {
    let mut tera = theme.tera(Templates::Print, PRINT_TEMPLATES, Vec::new())?;
    tera.register_filter(
        "typst",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(markup::escape(&value_text(value))))
        },
    );
    tera.register_filter(
        "typst_str",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(markup::string_literal(&value_text(
                value,
            ))))
        },
    );
    tera.register_function(
        "share_link",
        crate::share::ShareLinkFunction::new(links).for_print_audience(audience),
    );
    Ok(tera)
}

fn value_text(value: &tera::Value) -> String {
    match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Resolves Markdown images of bodies to files inside the site.
struct SiteImages<'a> {
    assets: &'a BTreeSet<String>,
}

impl markup::ImagePaths for SiteImages<'_> {
    fn print_image(&self, dir: &str, reference: &str) -> Option<String> {
        let path = crate::model::join_content_path(dir, reference).ok()?;
        self.assets.contains(&path).then(|| format!("/{path}"))
    }
}

/// The metadata of a document in `lang`: its language and region from the language's tag.
fn doc_info(site: &Site, lang: &str, title: String, kind: &'static str, author: String) -> DocInfo {
    let tag = site
        .languages
        .iter()
        .find(|l| l.code == lang)
        .map_or(lang, |l| l.tag.as_str());
    // Tags are checked when the site is resolved; one that is not BCP 47 never gets here.
    let (language, region) = crate::lang_tag::parse(tag).map_or_else(
        |_| ("und".to_owned(), String::new()),
        |t| (t.language, t.region.unwrap_or_default()),
    );
    let date = site.build_date;
    DocInfo {
        title,
        author,
        kind,
        lang: language,
        region,
        year: chrono::Datelike::year(&date),
        month: chrono::Datelike::month(&date),
        day: chrono::Datelike::day(&date),
        edition: crate::views::format::date(date, lang),
        bleed: "0mm".to_owned(),
        tighten: 0,
    }
}

/// Renders a job's print template into Typst source.
fn generate(
    tera: &tera::Tera,
    cx: &ViewCx<'_>,
    views: &LangViews,
    job: &PdfJob,
    tighten: u8,
) -> Result<(&'static str, String), Vec<Diagnostic>> {
    let site = cx.site;
    let lang = job.lang.as_str();
    let images = SiteImages {
        assets: &site.assets,
    };
    let body = |index: usize, base_level: usize| -> String {
        site.parks[index]
            .body
            .as_ref()
            .and_then(|b| b.source(lang))
            .map(|s| {
                markup::markdown_to_typst(
                    s.text(),
                    &site.parks[index]
                        .body
                        .as_ref()
                        .map_or(String::new(), |b| b.dir.clone()),
                    base_level,
                    &images,
                )
            })
            .unwrap_or_default()
    };
    let zone_name = views.zone.name.clone();
    // `site`, `t`, `lang` and `theme`, as web pages get them.
    let mut context = views.base_context.clone();
    context.insert("zone", &views.zone);
    let (template, title, kind) = match job.kind {
        Kind::Zone => {
            let parks: Vec<_> = (0..site.parks.len())
                .map(|i| cx.park_view(views, i, body(i, 1), Vec::new()))
                .collect();
            context.insert("parks", &parks);
            let title = cx.s(lang, "print.zone_title").replace("{zone}", &zone_name);
            ("zone.typ", title, "zone")
        }
        Kind::Park(index) | Kind::Flyer(index) | Kind::Banner(index) | Kind::Cards(index) => {
            let park = cx.park_view(views, index, body(index, 0), Vec::new());
            let (template, key, kind) = match job.kind {
                Kind::Flyer(_) => ("flyer.typ", "print.flyer_title", "flyer"),
                Kind::Banner(_) => (BANNER_TEMPLATE, "print.banner_title", "banner"),
                Kind::Cards(_) => (CARDS_TEMPLATE, "print.card_title", "cards"),
                _ => ("park.typ", "print.park_title", "park"),
            };
            let title = cx
                .s(lang, key)
                .replace("{park}", &park.card.name)
                .replace("{zone}", &zone_name);
            context.insert("park", &park);
            (template, title, kind)
        }
    };
    let mut doc = doc_info(site, lang, title, kind, zone_name);
    doc.tighten = tighten;
    if job.dest == Dest::PrintShop {
        doc.bleed = format!("{BLEED_MM}mm");
    }
    context.insert("doc", &doc);
    render_print(tera, cx, template, &context, &job.path).map(|source| (template, source))
}

/// Renders the print template `template` into Typst source; an error names the template and the
/// file it was made for (`output`, below its output folder), at the template's line when Tera
/// gives one.
fn render_print(
    tera: &tera::Tera,
    cx: &ViewCx<'_>,
    template: &str,
    context: &tera::Context,
    output: &str,
) -> Result<String, Vec<Diagnostic>> {
    tera.render(template, context).map_err(|e| {
        let message = crate::diagnostics::error_chain(&e);
        let diagnostic = Diagnostic::error(
            "template-error",
            format!("print template `{template}` failed for `{output}`: {message}"),
        )
        .with_hint("see docs/themes.md for the variables print templates get");
        vec![crate::theme::place_in_template(
            diagnostic, cx.theme, &message,
        )]
    })
}

/// A job with the texts of the fields it prints, to name the field of a layout problem.
struct Printed<'a> {
    job: &'a PdfJob,
    /// (field, text as printed), e.g. (`factors.value` of the `broadband` factor, `已覆盖`).
    fields: &'a [(String, String)],
    /// What it was typeset with: names the files of its images.
    shared: &'a Shared<'a>,
}

/// The fields of a park's brochure, flyer, banner or cards with the text they print in the job's
/// language.
fn printed_fields(cx: &ViewCx<'_>, job: &PdfJob) -> Vec<(String, String)> {
    let (Kind::Park(index) | Kind::Flyer(index) | Kind::Banner(index) | Kind::Cards(index)) =
        job.kind
    else {
        return Vec::new();
    };
    let Some(park) = cx.site.parks.get(index) else {
        return Vec::new();
    };
    let lang = job.lang.as_str();
    let mut out = vec![
        ("`name`".to_owned(), park.name.get(lang).to_owned()),
        (
            "`positioning`".to_owned(),
            park.positioning.get(lang).to_owned(),
        ),
        ("`operator`".to_owned(), park.operator.get(lang).to_owned()),
    ];
    for (i, highlight) in park.highlights.iter().enumerate() {
        out.push((
            format!("`highlights` item {}", i + 1),
            highlight.get(lang).to_owned(),
        ));
    }
    for factor in &park.factors {
        let view = cx.factor_view(factor, lang);
        let of = format!("of the `{}` factor", view.kind);
        out.push((format!("`factors.label` {of}"), view.label));
        out.extend(view.value.map(|v| (format!("`factors.value` {of}"), v)));
        out.extend(view.note.map(|v| (format!("`factors.note` {of}"), v)));
    }
    for policy in &park.policies {
        let of = format!("of policy `{}`", policy.key);
        out.push((format!("`title` {of}"), policy.title.get(lang).to_owned()));
        out.push((
            format!("`summary` {of}"),
            policy.summary.get(lang).to_owned(),
        ));
    }
    out
}

/// The field whose printed text holds `found` (the shortest such field), as the report names it.
fn field_of<'a>(fields: &'a [(String, String)], found: &str) -> Option<&'a str> {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '‐'))
            .collect()
    };
    let found = plain(found);
    if found.is_empty() {
        return None;
    }
    fields
        .iter()
        .filter(|(_, text)| plain(text).contains(&found))
        .min_by_key(|(_, text)| text.chars().count())
        .map(|(field, _)| field.as_str())
}

/// The name a job's generated source is kept under in the cache (`parks.data-lake.zh.typ`),
/// prefixed `share-kit.` or `print-shop.` for the kit's and the print shop's PDFs.
fn source_name(job: &PdfJob) -> String {
    let folder = match &job.dest {
        Dest::Site => "",
        Dest::Audience(_) => "share-kit.",
        Dest::PrintShop => "print-shop.",
    };
    format!(
        "{folder}{}",
        job.path
            .trim_start_matches("pdf/")
            .replace('/', ".")
            .replace(".pdf", ".typ")
    )
}

/// Writes a laid-out document as the job's PDF; a flyer must be one page, and no text may be
/// squeezed or run past its box (see `layout_problems`). The print shop's are PDF/A-2b and get
/// their boxes and crop marks, with a warning for each image too coarse for print.
fn write_pdf(
    document: &typst_layout::PagedDocument,
    printed: &Printed<'_>,
) -> Result<Compiled, Vec<Diagnostic>> {
    let job = printed.job;
    if let Kind::Flyer(_) = job.kind
        && document.pages().len() != 1
    {
        return Err(vec![Diagnostic::error(
                "flyer-overflow",
                format!("the flyer `{}` runs to {} pages; a flyer must fit one A4 page", job.path, document.pages().len()),
            )
            .with_hint("shorten the park's highlights or policy summaries, or mark fewer tenants `featured`")]);
    }
    let damaged = layout_problems(printed, document);
    if !damaged.is_empty() {
        return Err(damaged);
    }
    let print_shop = job.dest == Dest::PrintShop;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(job.path.clone()),
        standards: if print_shop {
            bleed::standards()
        } else {
            typst_pdf::PdfStandards::default()
        },
        ..typst_pdf::PdfOptions::default()
    };
    let pdf_error = |message: String| {
        Diagnostic::error(
            "typst-error",
            format!("cannot write `{}`: {message}", job.path),
        )
    };
    let bytes = typst_pdf::pdf(document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| pdf_error(e.message.to_string()))
            .collect::<Vec<_>>()
    })?;
    let (bytes, warnings) = if print_shop {
        let warnings =
            bleed::low_resolution_images(document, &format!("print-shop/{}", job.path), &|bytes| {
                printed.shared.image_path(bytes)
            });
        let bytes = bleed::finish(&bytes).map_err(|e| vec![pdf_error(e.to_string())])?;
        (bytes, warnings)
    } else {
        (bytes, Vec::new())
    };
    Ok((
        OutputFile {
            path: job.path.clone(),
            contents: Contents::Bytes(bytes),
        },
        warnings,
    ))
}

/// Lays generated Typst `source` out into pages, keeping it as `<sources_dir>/<name>` for
/// inspection (none when the folder could not be made): the pages and, when the source could not
/// be kept, a warning saying why. Typst errors name the template and the line of the source,
/// and say where it is kept only when it was.
fn lay_out(
    shared: &Shared<'_>,
    name: &str,
    path: &str,
    template: &str,
    source: String,
    sources_dir: Option<&Path>,
    root: &Path,
) -> Result<(typst_layout::PagedDocument, Option<Diagnostic>), Vec<Diagnostic>> {
    let at = sources_dir.map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
    let not_kept = match sources_dir {
        Some(_) => keep_file(&at, source.as_bytes(), root).err(),
        None => None,
    };
    let kept = sources_dir.is_some() && not_kept.is_none();
    let world = PrintWorld::new(shared, name, source);
    let watched = watchdog::typesetting(path);
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    drop(watched);
    let errors = match warned.output {
        Ok(document) => return Ok((document, not_kept)),
        Err(errors) => errors,
    };
    let text = world.main_source().text().to_owned();
    let file = SourceFile::new(root, at.clone(), text);
    let shown = crate::diagnostics::relative_display(root, &at);
    let mut problems: Vec<Diagnostic> = errors
        .iter()
        .map(|error| {
            let message = format!("Typst could not typeset `{path}` from template `{template}`: {}", error.message);
            let hint = error.hints.first().map_or_else(
                || if kept {
                    format!("the generated Typst source is kept in {shown}; fix the print template `{template}`")
                } else {
                    format!("the generated Typst source could not be kept (see the `print-cache` warning); fix the print template `{template}`")
                },
                |h| h.v.to_string(),
            );
            let d = Diagnostic::error("typst-error", message).with_hint(hint);
            match typst::WorldExt::range(&world, error.span) {
                Some(range) => d.at(&file, range.start),
                None => d.in_file(&file),
            }
        })
        .collect();
    problems.extend(not_kept);
    Err(problems)
}

/// Makes `dir`, a folder of the cache where print keeps generated sources or posters: the folder,
/// or none when it cannot be made, with a warning in `diagnostics` naming it and the OS error.
pub(crate) fn cache_folder(
    dir: PathBuf,
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    match std::fs::create_dir_all(&dir) {
        Ok(()) => Some(dir),
        Err(e) => {
            diagnostics.push(cache_warning("could not make the folder", &dir, root, &e));
            None
        }
    }
}

/// Writes `bytes` to `path` in the cache; a failure is a warning naming the path and the OS error.
pub(crate) fn keep_file(path: &Path, bytes: &[u8], root: &Path) -> Result<(), Diagnostic> {
    std::fs::write(path, bytes).map_err(|e| cache_warning("could not write", path, root, &e))
}

/// The `print-cache` warning: what could not be done to `path` in the cache, and the OS error.
pub(crate) fn cache_warning(
    what: &str,
    path: &Path,
    root: &Path,
    error: &std::io::Error,
) -> Diagnostic {
    Diagnostic::warning(
        "print-cache",
        format!(
            "{what} {}: {error}",
            crate::diagnostics::relative_display(root, path)
        ),
    )
    .with_hint(
        "the PDFs and posters are made all the same, but this generated Typst source or poster is \
         not kept in the cache (posters are rendered again next time): make .parkpress-cache/ \
         writable, or remove the file that stands where a folder should be",
    )
}

/// Text of a park's brochure, flyer, banner or cards that the layout squeezed into a column too
/// narrow for it, that runs past its cell or box, or that a clipping box cuts off: errors naming
/// the park, the document and the field.
fn layout_problems(
    printed: &Printed<'_>,
    document: &typst_layout::PagedDocument,
) -> Vec<Diagnostic> {
    let job = printed.job;
    let what = match job.kind {
        Kind::Flyer(_) => "flyer",
        Kind::Park(_) => "brochure",
        Kind::Banner(_) => "banner",
        Kind::Cards(_) => "contact cards",
        Kind::Zone => return Vec::new(),
    };
    let park = job
        .path
        .rsplit('/')
        .next()
        .and_then(|name| name.split('.').next())
        .unwrap_or_default();
    let mut out = Vec::new();
    let pages = document.pages().iter().map(|page| &page.frame);
    for problem in layout::problems(pages) {
        let field = field_of(printed.fields, &problem.text)
            .map_or_else(|| "text".to_owned(), str::to_owned);
        let shown: String = problem.text.chars().take(24).collect();
        let (message, hint) = match problem.damage {
            layout::Damage::Squeezed { lines } => (
                format!(
                    "in the {what} `{}` of park `{park}`, {field} (`{shown}`) is squeezed into a column one or two characters wide ({lines} lines, page {})",
                    job.path, problem.page
                ),
                "shorten the text or its neighbour in the row (a long label leaves the value no room), or translate it: text in another script cannot wrap between words",
            ),
            layout::Damage::Overflows => (
                format!(
                    "in the {what} `{}` of park `{park}`, {field} (`{shown}`) runs past the edge of its cell or box (page {})",
                    job.path, problem.page
                ),
                "shorten the text, or break a long word or web address with spaces",
            ),
            layout::Damage::Clipped => (
                format!(
                    "in the {what} `{}` of park `{park}`, {field} (`{shown}`) is cut off by the edge of a box that clips it (page {})",
                    job.path, problem.page
                ),
                "shorten the text, or let the print template fit it to its box (the default theme's `fit-text` in print/fit.typ)",
            ),
        };
        out.push(Diagnostic::error("print-layout", message).with_hint(hint));
    }
    out.dedup();
    out
}
