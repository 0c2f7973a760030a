//! WeChat posters (海报): for each configured audience and target (the zone home, each park) a
//! 1080 x 1920 PNG of the theme's `print/poster.typ` in the audience's language, carrying the QR
//! code of that audience's short link. Typst lays the poster out in-process, `typst-render` paints
//! it, and it is written as an indexed PNG with a reduced palette (NeuQuant), which keeps a poster
//! with a photograph well under 500 KB and the QR code's black and white exact.
//!
//! Posters whose inputs are unchanged come from the cache (`.parkpress-cache/posters/<hash>.png`,
//! keyed like PDFs by the generated Typst source and the files it embeds), so a rebuild renders
//! only the posters an edit touched.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;
use typst::layout::Frame;

use super::fonts::Fonts;
use super::layout::Damage;
use super::{
    PrintInputs, cache_folder, cache_warning, doc_info, keep_file, lay_out, print_tera,
    render_print, shared, source_fingerprint,
};
use crate::diagnostics::Diagnostic;
use crate::files::{Contents, OutputFile};
use crate::share::kit::poster_path;
use crate::share::{HOME, ShareLink};
use crate::views::{LangViews, ViewCx};

/// The theme's print template of a poster.
pub const TEMPLATE: &str = "poster.typ";
/// Pixels per Typst point: the template's 360 x 640 pt page becomes 1080 x 1920 px.
const PIXELS_PER_PT: f64 = 3.0;
/// Colours of the reduced palette: enough for a photograph to look smooth on a phone.
const COLORS: usize = 160;
/// Posters over this size are reported: WeChat recompresses large pictures and blurs the QR code.
pub const MAX_BYTES: usize = 500 * 1024;

/// One poster to make.
#[derive(Debug, Clone)]
pub struct PosterJob {
    /// The link it carries (audience, target, language, short link).
    pub link: ShareLink,
    /// Path inside the share kit: `posters/<audience>/<target>.png`.
    pub path: String,
}

/// What making the posters did.
#[derive(Debug, Default, Clone, Copy)]
pub struct PosterStats {
    /// Posters rendered in this run.
    pub rendered: usize,
    /// Posters taken from the cache: their inputs had not changed.
    pub cached: usize,
}

/// The posters of a site: every configured audience (built-in ones excluded) times every target.
pub fn plan(links: &crate::share::ShareLinks) -> Vec<PosterJob> {
    links
        .links
        .iter()
        .filter(|l| {
            links
                .audiences
                .iter()
                .any(|a| a.key == l.audience && a.language == l.language && !a.builtin)
        })
        .map(|link| PosterJob {
            path: poster_path(link),
            link: link.clone(),
        })
        .collect()
}

/// One headline figure of a poster.
#[derive(Debug, Serialize)]
struct PosterFigure {
    label: String,
    number: String,
    unit: String,
    /// The date the figure is as of, formatted for the language.
    as_of: Option<String>,
}

/// What `print/poster.typ` gets as `poster`.
#[derive(Debug, Serialize)]
struct PosterView<'a> {
    /// `home` or the park key.
    target: &'a str,
    /// Whether this is the zone's poster.
    home: bool,
    name: String,
    positioning: String,
    figures: Vec<PosterFigure>,
    /// The cover image, a path under content/.
    cover: Option<String>,
    /// The audience's short link: `code` (for `/__qr/<code>.svg`) and `short`.
    link: serde_json::Value,
    /// The audience: `key` and `name` (in its own language).
    audience: serde_json::Value,
}

/// A poster with its cache key and, when it was rendered in this run (not taken from the cache),
/// the warnings about its text.
type Made = (OutputFile, String, Option<Vec<Diagnostic>>);

/// The fields a poster prints with their text: (`positioning`, `大数据与云计算`).
type Fields = Vec<(String, String)>;

/// Renders `jobs`, taking unchanged posters from the cache: the PNG files, what was done, and the
/// problems (template and Typst errors, a poster that runs over its page).
pub fn render(
    inputs: &PrintInputs<'_>,
    jobs: &[PosterJob],
    fonts: &Fonts,
) -> (Vec<OutputFile>, PosterStats, Vec<Diagnostic>) {
    let cx = inputs.cx;
    if jobs.is_empty() {
        return (Vec::new(), PosterStats::default(), Vec::new());
    }
    if !cx.theme.print_templates.contains_key(TEMPLATE) {
        let warning = Diagnostic::warning(
            "poster-template",
            format!(
                "theme `{}` has no print template {TEMPLATE}: no posters are made",
                cx.theme.chain.join(" → ")
            ),
        )
        .with_hint("add print/poster.typ to the theme, or extend the default theme");
        return (Vec::new(), PosterStats::default(), vec![warning]);
    }
    let tera = match print_tera(cx.theme, cx.links, None) {
        Ok(tera) => tera,
        Err(d) => return (Vec::new(), PosterStats::default(), vec![d]),
    };
    let shared = shared(cx, fonts);
    let root = &cx.site.root;
    let mut diagnostics = Vec::new();
    let cache = cache_folder(inputs.cache_dir.join("posters"), root, &mut diagnostics);
    let sources_dir = cache_folder(inputs.cache_dir.join("print"), root, &mut diagnostics);
    let results: Vec<Result<Made, Vec<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let views = (inputs.views.iter())
                .find(|v| v.lang == job.link.language)
                .ok_or_else(Vec::new)?;
            let (source, fields) = generate(&tera, cx, views, job)?;
            let key = format!("{:016x}.png", source_fingerprint(cx, &source));
            if let Some(bytes) = (cache.as_ref()).and_then(|c| std::fs::read(c.join(&key)).ok()) {
                let file = OutputFile {
                    path: job.path.clone(),
                    contents: Contents::Bytes(bytes),
                };
                return Ok((file, key, None));
            }
            let name = format!("poster.{}.{}.typ", job.link.audience, job.link.target);
            let (document, not_kept) = lay_out(
                &shared,
                &name,
                &job.path,
                TEMPLATE,
                source,
                sources_dir.as_deref(),
                root,
            )?;
            let pages = document.pages();
            if pages.len() != 1 {
                return Err(vec![
                    Diagnostic::error(
                        "poster-overflow",
                        format!(
                            "the poster `share-kit/{}` runs to {} pages; a poster is one picture",
                            job.path,
                            pages.len()
                        ),
                    )
                    .with_hint(
                        "shorten the name or positioning of the park, or change print/poster.typ",
                    ),
                ]);
            }
            let mut damaged = layout_warnings(&job.path, &fields, &pages[0].frame);
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(PIXELS_PER_PT),
                render_bleed: false,
            };
            let pixmap = typst_render::render(&pages[0], &options);
            let bytes = indexed_png(pixmap.width(), pixmap.height(), pixmap.data());
            // A damaged poster is not cached, so every build reports it until it is fixed; one
            // that cannot be cached is only rendered again next time.
            if damaged.is_empty()
                && let Some(cache) = &cache
                && let Err(warning) = keep_file(&cache.join(&key), &bytes, root)
            {
                damaged.push(warning);
            }
            damaged.extend(not_kept);
            let file = OutputFile {
                path: job.path.clone(),
                contents: Contents::Bytes(bytes),
            };
            Ok((file, key, Some(damaged)))
        })
        .collect();
    let mut files = Vec::new();
    let mut stats = PosterStats::default();
    let mut used = HashSet::new();
    for result in results {
        match result {
            Ok((file, key, rendered)) => {
                if let Contents::Bytes(bytes) = &file.contents
                    && bytes.len() > MAX_BYTES
                {
                    diagnostics.push(Diagnostic::warning(
                        "poster-size",
                        format!("the poster `share-kit/{}` has {} KB, more than WeChat passes on unchanged ({} KB)", file.path, bytes.len() / 1024, MAX_BYTES / 1024),
                    ).with_hint("use a cover image with fewer fine details, or fewer colours in print/poster.typ"));
                }
                match rendered {
                    Some(warnings) => {
                        stats.rendered += 1;
                        diagnostics.extend(warnings);
                    }
                    None => stats.cached += 1,
                }
                used.insert(key);
                files.push(file);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }
    if let Some(cache) = &cache
        && (diagnostics.iter()).all(|d| d.severity != crate::diagnostics::Severity::Error)
    {
        diagnostics.extend(prune(cache, &used, root));
    }
    (files, stats, diagnostics)
}

/// Removes cached posters no poster of this run uses: a warning for each that cannot be removed.
fn prune(cache: &Path, used: &HashSet<String>, root: &Path) -> Vec<Diagnostic> {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| !used.contains(&*entry.file_name().to_string_lossy()))
        .filter_map(|entry| {
            let path = entry.path();
            (std::fs::remove_file(&path).err())
                .map(|e| cache_warning("could not remove the unused poster", &path, root, &e))
        })
        .collect()
}

/// Warnings about the text of a laid-out poster that is cut off by a box that clips it, runs
/// past its box or is squeezed, naming the poster and the field (see [`super::layout`]).
fn layout_warnings(path: &str, fields: &[(String, String)], frame: &Frame) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = super::layout::problems([frame])
        .into_iter()
        .map(|problem| {
            let field = super::field_of(fields, &problem.text).unwrap_or("text");
            let shown: String = problem.text.chars().take(24).collect();
            let damage = match problem.damage {
                Damage::Clipped => "is cut off by the edge of the box that clips it",
                Damage::Overflows => "runs past the edge of its box",
                Damage::Squeezed { .. } => "is squeezed into a column one or two characters wide",
            };
            Diagnostic::warning(
                "poster-layout",
                format!("on the poster `share-kit/{path}`, {field} (`{shown}`) {damage}"),
            )
            .with_hint("shorten the text, or let print/poster.typ fit it to its box (the default theme's `fit-text`, print/fit.typ)")
        })
        .collect();
    out.dedup();
    out
}

/// The fields a poster prints, as ([`super::field_of`]) names them, with their text.
fn printed_fields(poster: &PosterView<'_>) -> Fields {
    let mut fields = vec![
        ("`name`".to_owned(), poster.name.clone()),
        ("`positioning`".to_owned(), poster.positioning.clone()),
    ];
    for figure in &poster.figures {
        fields.push((
            format!("the figure `{}`", figure.label),
            figure.label.clone(),
        ));
    }
    fields
}

/// Renders a poster's template into Typst source; also gives the fields it prints.
fn generate(
    tera: &tera::Tera,
    cx: &ViewCx<'_>,
    views: &LangViews,
    job: &PosterJob,
) -> Result<(String, Fields), Vec<Diagnostic>> {
    let site = cx.site;
    let link = &job.link;
    let lang = link.language.as_str();
    let poster = poster_view(cx, views, link);
    let mut context = views.base_context.clone();
    context.insert("zone", &views.zone);
    let title = cx
        .s(lang, "print.poster_title")
        .replace("{name}", &poster.name);
    context.insert("poster", &poster);
    context.insert(
        "doc",
        &doc_info(site, lang, title, "poster", views.zone.name.clone()),
    );
    let fields = printed_fields(&poster);
    let output = format!("share-kit/{}", job.path);
    let source = render_print(tera, cx, TEMPLATE, &context, &output)?;
    Ok((source, fields))
}

/// The zone's or a park's name, positioning, headline figures and cover for a poster.
fn poster_view<'a>(cx: &ViewCx<'_>, views: &LangViews, link: &'a ShareLink) -> PosterView<'a> {
    let lang = link.language.as_str();
    let audience = cx.links.audiences.iter().find(|a| a.key == link.audience);
    let link_json = serde_json::json!({ "code": link.code, "short": link.short_url });
    let audience_json = serde_json::json!({
        "key": link.audience,
        "name": audience.map_or("", |a| a.own_name.as_str()),
    });
    let pipeline_figures = |p: &crate::views::context::PipelineView| -> Vec<PosterFigure> {
        [
            (p.signed, "pipeline.signed"),
            (p.to_sign, "pipeline.to_sign"),
            (p.negotiating, "pipeline.negotiating"),
        ]
        .into_iter()
        .filter_map(|(n, key)| {
            n.map(|n| PosterFigure {
                label: cx.s(lang, key),
                number: n.to_string(),
                unit: cx.s(lang, "pipeline.unit"),
                as_of: Some(p.as_of_display.clone()),
            })
        })
        .collect()
    };
    let first_cover = || {
        views
            .parks
            .iter()
            .find_map(|p| p.cover.as_ref().map(|c| c.src.clone()))
    };
    if link.target == HOME {
        let zone = &views.zone;
        let mut figures: Vec<PosterFigure> = zone
            .metrics
            .iter()
            .take(4)
            .map(|m| PosterFigure {
                label: m.label.clone(),
                number: m.figure.number.clone(),
                unit: m.figure.unit.clone(),
                as_of: Some(m.as_of_display.clone()),
            })
            .collect();
        if figures.len() < 4
            && let Some(p) = &zone.pipeline
        {
            let room = 4 - figures.len();
            figures.extend(pipeline_figures(p).into_iter().take(room));
        }
        let industries: Vec<&str> = zone.industries.iter().map(|i| i.name.as_str()).collect();
        return PosterView {
            target: &link.target,
            home: true,
            name: zone.name.clone(),
            positioning: industries.join(" · "),
            figures,
            cover: (cx.site.zone.share_image.as_ref())
                .map(|a| a.path.clone())
                .or_else(first_cover),
            link: link_json,
            audience: audience_json,
        };
    }
    let index = cx.site.parks.iter().position(|p| p.key == link.target);
    let park = index.map(|i| cx.park_view(views, i, String::new(), Vec::new()));
    let mut figures = Vec::new();
    if let Some(area) = park.as_ref().and_then(|p| p.card.area.as_ref()) {
        figures.push(PosterFigure {
            label: cx.s(lang, "park.area"),
            number: area.number.clone(),
            unit: area.unit.clone(),
            as_of: None,
        });
    }
    if let Some(park) = &park {
        figures.extend(
            park.pipeline
                .as_ref()
                .map(pipeline_figures)
                .unwrap_or_default(),
        );
        // A park without a pipeline shows its space to let and its dated factor figures.
        let space = park.carriers.iter().filter_map(|c| {
            let available = c.available.as_ref()?;
            Some(PosterFigure {
                label: format!("{} · {}", cx.s(lang, "carrier.available"), c.name),
                number: available.number.clone(),
                unit: available.unit.clone(),
                as_of: c.as_of.clone(),
            })
        });
        let factors = park.factors.iter().filter_map(|f| {
            let value = f.value.as_ref()?;
            value.parse::<f64>().ok()?;
            Some(PosterFigure {
                label: f.label.clone(),
                number: value.clone(),
                unit: f.unit.clone().unwrap_or_default(),
                as_of: Some(f.as_of.clone()?),
            })
        });
        let room = 4usize.saturating_sub(figures.len());
        figures.extend(space.chain(factors).take(room));
    }
    PosterView {
        target: &link.target,
        home: false,
        name: park
            .as_ref()
            .map_or_else(String::new, |p| p.card.name.clone()),
        positioning: park
            .as_ref()
            .map_or_else(String::new, |p| p.card.positioning.clone()),
        figures,
        cover: park
            .as_ref()
            .and_then(|p| p.card.cover.as_ref().map(|c| c.src.clone()))
            .or_else(first_cover),
        link: link_json,
        audience: audience_json,
    }
}

/// An indexed PNG of premultiplied RGBA pixels (opaque: the poster's page has a fill): a palette
/// of [`COLORS`] colours learnt by NeuQuant, with black and white kept exact for the QR code.
fn indexed_png(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    let quant = color_quant::NeuQuant::new(10, COLORS - 2, rgba);
    let mut palette = quant.color_map_rgb();
    // Exact black and white after the learnt colours: QR modules stay pure.
    let black = (palette.len() / 3) as u8;
    palette.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    let white = black + 1;
    // Rows in parallel; runs of one colour (most of a poster) are looked up once.
    let row = width as usize * 4;
    let indices: Vec<u8> = rgba
        .par_chunks(row.max(4))
        .flat_map_iter(|line| {
            let mut last: Option<([u8; 3], u8)> = None;
            line.chunks_exact(4)
                .map(|px| {
                    let rgb = [px[0], px[1], px[2]];
                    if let Some((seen, index)) = last
                        && seen == rgb
                    {
                        return index;
                    }
                    let index = match rgb {
                        [0..=8, 0..=8, 0..=8] => black,
                        [247..=255, 247..=255, 247..=255] => white,
                        [r, g, b] => quant.index_of(&[r, g, b, 255]) as u8,
                    };
                    last = Some((rgb, index));
                    index
                })
                .collect::<Vec<u8>>()
        })
        .collect();
    let mut bytes = Vec::with_capacity(indices.len() / 4);
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    encoder.set_compression(png::Compression::Balanced);
    // Encoding into memory fails only on inconsistent dimensions, which a pixmap cannot have.
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(&indices);
    }
    bytes
}
