//! Stage 5 (with `--pdf` or `parkpress pdf`): brochures and flyers as PDFs, typeset in-process by
//! Typst. The theme's Tera print templates (`print/*.typ`) receive the same typed views as the web
//! templates, with text escaped for Typst and Markdown bodies converted to Typst markup; Typst lays
//! the pages out and `typst-pdf` writes them. Every document is compiled in parallel with the fonts
//! loaded once.

pub mod carry;
mod fit;
pub mod fonts;
pub mod layout;
pub mod markup;
pub mod watchdog;
pub mod world;

use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::files::{Contents, OutputFile};
use crate::model::Site;
use crate::share::ShareLinks;
use crate::theme::Theme;
use crate::views::{LangViews, ViewCx};
use fonts::Fonts;
use world::{PrintWorld, Shared};

/// Print templates every theme (with its parents) must provide.
pub const PRINT_TEMPLATES: &[&str] = &["zone.typ", "park.typ", "flyer.typ"];

/// Which PDFs to make: all, or one park's, or one language's.
#[derive(Debug, Clone, Default)]
pub struct PdfSelection {
    /// Only this park (and no zone brochure).
    pub park: Option<String>,
    /// Only this language.
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zone,
    Park(usize),
    Flyer(usize),
}

/// One PDF to make.
#[derive(Debug, Clone)]
pub struct PdfJob {
    kind: Kind,
    lang: String,
    /// Output path, e.g. `pdf/parks/data-lake.zh.pdf`.
    pub path: String,
}

/// The PDFs a selection asks for; an unknown park or language is a usage error.
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
    let mut jobs = Vec::new();
    for lang in site
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .filter(|l| selection.lang.as_deref().is_none_or(|s| s == *l))
    {
        if selection.park.is_none() {
            jobs.push(PdfJob {
                kind: Kind::Zone,
                lang: lang.to_owned(),
                path: crate::urls::pdf::zone(lang),
            });
        }
        for (index, park) in site.parks.iter().enumerate() {
            if selection.park.as_deref().is_some_and(|p| p != park.key) {
                continue;
            }
            jobs.push(PdfJob {
                kind: Kind::Park(index),
                lang: lang.to_owned(),
                path: crate::urls::pdf::park(&park.key, lang),
            });
            jobs.push(PdfJob {
                kind: Kind::Flyer(index),
                lang: lang.to_owned(),
                path: crate::urls::pdf::flyer(&park.key, lang),
            });
        }
    }
    Ok(jobs)
}

/// Checks before typesetting that some font covers each language's script; else an environment
/// error naming the script and the package to install.
pub fn check_fonts(fonts: &Fonts, jobs: &[PdfJob]) -> anyhow::Result<()> {
    let langs: BTreeSet<&str> = jobs.iter().map(|j| j.lang.as_str()).collect();
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
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let cx = inputs.cx;
    let site = cx.site;
    let tera = match print_tera(cx.theme, cx.links) {
        Ok(tera) => tera,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let date = site.build_date;
    let shared = Shared {
        library: typst::utils::LazyHash::new(
            <typst::Library as typst::LibraryExt>::builder().build(),
        ),
        fonts,
        content_dir: site.root.join("content"),
        assets: &site.assets,
        images: cx.images,
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
    };
    let sources_dir = inputs.cache_dir.join("print");
    let _ = std::fs::create_dir_all(&sources_dir);
    let results: Vec<Result<OutputFile, Vec<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let lang_views = (inputs.views.iter())
                .find(|v| v.lang == job.lang)
                .ok_or_else(Vec::new)?;
            let (template, source) = generate(&tera, cx, lang_views, job, 0)?;
            let fields = printed_fields(cx, job);
            let printed = Printed {
                job,
                fields: &fields,
            };
            let mut document = lay_out(&shared, job, template, source, &sources_dir, &site.root)?;
            if let Kind::Park(_) = job.kind {
                for step in 1..=fit::STEPS {
                    if !fit::ends_short(&document) {
                        break;
                    }
                    let (template, source) = generate(&tera, cx, lang_views, job, step)?;
                    let tighter =
                        lay_out(&shared, job, template, source, &sources_dir, &site.root)?;
                    if !fit::ends_short(&tighter) {
                        document = tighter;
                    }
                }
            }
            write_pdf(&document, &printed)
        })
        .collect();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (files, diagnostics)
}

/// A fingerprint of what each job's PDF is made from: its generated Typst source, the site's
/// address (its QR codes) and the content files the source embeds (by size and modification
/// time). A PDF whose fingerprint is unchanged needs no typesetting again.
pub fn fingerprints(inputs: &PrintInputs<'_>, jobs: &[PdfJob]) -> HashMap<String, u64> {
    let cx = inputs.cx;
    let Ok(tera) = print_tera(cx.theme, cx.links) else {
        return HashMap::new();
    };
    let content = cx.site.root.join("content");
    jobs.par_iter()
        .filter_map(|job| {
            let views = inputs.views.iter().find(|v| v.lang == job.lang)?;
            let (_, source) = generate(&tera, cx, views, job, 0).ok()?;
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
            Some((job.path.clone(), hasher.digest()))
        })
        .collect()
}

/// The Tera instance for print templates: no HTML escaping; `typst` and `typst_str` filters.
fn print_tera(theme: &Theme, links: &std::sync::Arc<ShareLinks>) -> Result<tera::Tera, Diagnostic> {
    let missing: Vec<&str> = PRINT_TEMPLATES
        .iter()
        .copied()
        .filter(|t| !theme.print_templates.contains_key(*t))
        .collect();
    if !missing.is_empty() {
        return Err(Diagnostic::error(
            "template-error",
            format!(
                "theme `{}` has no print template {}",
                theme.chain.join(" → "),
                missing.join(", ")
            ),
        )
        .with_hint("add them to print/, or extend the default theme"));
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    let templates: Vec<(String, String)> = theme
        .print_templates
        .iter()
        .map(|(name, (_, source))| (name.clone(), source.clone()))
        .collect();
    tera.add_raw_templates(templates).map_err(|e| {
        let message = crate::diagnostics::error_chain(&e);
        let diagnostic = Diagnostic::error(
            "template-error",
            format!("a print template does not parse: {message}"),
        )
        .with_hint("fix the print template named above (Tera syntax around Typst markup)");
        crate::theme::place_in_template(diagnostic, theme, &message)
    })?;
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
    tera.register_function("share_link", crate::share::ShareLinkFunction::new(links));
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
        Kind::Park(index) | Kind::Flyer(index) => {
            let park = cx.park_view(views, index, body(index, 0), Vec::new());
            let flyer = matches!(job.kind, Kind::Flyer(_));
            let key = if flyer {
                "print.flyer_title"
            } else {
                "print.park_title"
            };
            let title = cx
                .s(lang, key)
                .replace("{park}", &park.card.name)
                .replace("{zone}", &zone_name);
            context.insert("park", &park);
            if flyer {
                ("flyer.typ", title, "flyer")
            } else {
                ("park.typ", title, "park")
            }
        }
    };
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
    context.insert(
        "doc",
        &DocInfo {
            title,
            author: zone_name,
            kind,
            lang: language,
            region,
            year: chrono::Datelike::year(&date),
            month: chrono::Datelike::month(&date),
            day: chrono::Datelike::day(&date),
            edition: crate::views::format::date(date, lang),
            tighten,
        },
    );
    tera.render(template, &context)
        .map(|source| (template, source))
        .map_err(|e| {
            let message = crate::diagnostics::error_chain(&e);
            let diagnostic = Diagnostic::error(
                "template-error",
                format!(
                    "print template `{template}` failed for `{}`: {message}",
                    job.path
                ),
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
}

/// The fields of a park's brochure or flyer with the text they print in the job's language.
fn printed_fields(cx: &ViewCx<'_>, job: &PdfJob) -> Vec<(String, String)> {
    let (Kind::Park(index) | Kind::Flyer(index)) = job.kind else {
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

/// Lays out generated Typst source; keeps the source under the cache for inspection.
fn lay_out(
    shared: &Shared<'_>,
    job: &PdfJob,
    template: &str,
    source: String,
    sources_dir: &Path,
    root: &Path,
) -> Result<typst_layout::PagedDocument, Vec<Diagnostic>> {
    let name = job
        .path
        .trim_start_matches("pdf/")
        .replace('/', ".")
        .replace(".pdf", ".typ");
    let kept = sources_dir.join(&name);
    let _ = std::fs::write(&kept, &source);
    let world = PrintWorld::new(shared, &name, source);
    let watched = watchdog::typesetting(&job.path);
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    drop(watched);
    let document = warned.output.map_err(|errors| {
        let text = world.main_source().text().to_owned();
        let file = SourceFile::new(root, kept.clone(), text);
        errors
            .iter()
            .map(|error| {
                let message = format!("Typst could not typeset `{}` from template `{template}`: {}", job.path, error.message);
                let hint = error.hints.first().map_or_else(
                    || format!("the generated Typst source is kept in {}; fix the print template `{template}`", crate::diagnostics::relative_display(root, &kept)),
                    |h| h.v.to_string(),
                );
                let d = Diagnostic::error("typst-error", message).with_hint(hint);
                match typst::WorldExt::range(&world, error.span) {
                    Some(range) => d.at(&file, range.start),
                    None => d.in_file(&file),
                }
            })
            .collect::<Vec<_>>()
    })?;
    Ok(document)
}

/// Writes a laid-out document as the job's PDF; a flyer must be one page, and no text may be
/// squeezed or run past its box (see `layout_problems`).
fn write_pdf(
    document: &typst_layout::PagedDocument,
    printed: &Printed<'_>,
) -> Result<OutputFile, Vec<Diagnostic>> {
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
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(job.path.clone()),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| {
                Diagnostic::error(
                    "typst-error",
                    format!("cannot write `{}`: {}", job.path, e.message),
                )
            })
            .collect::<Vec<_>>()
    })?;
    Ok(OutputFile {
        path: job.path.clone(),
        contents: Contents::Bytes(bytes),
    })
}

/// Text of a park's brochure or flyer that the layout squeezed into a column too narrow for it,
/// or that runs past its cell or box: errors naming the park, the document and the field.
fn layout_problems(
    printed: &Printed<'_>,
    document: &typst_layout::PagedDocument,
) -> Vec<Diagnostic> {
    let job = printed.job;
    let what = match job.kind {
        Kind::Flyer(_) => "flyer",
        Kind::Park(_) => "brochure",
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
        };
        out.push(Diagnostic::error("print-layout", message).with_hint(hint));
    }
    out.dedup();
    out
}
