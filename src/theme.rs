//! Themes: the built-in `default` theme embedded in the binary, site themes from `themes/<name>/`,
//! and `extends` chains in which a child ships only what it overrides.

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::content::cache::{SourceCache, cached};
use crate::diagnostics::Diagnostic;
use crate::files::ThemeFile;

static BUILTIN_THEMES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes");

/// `theme.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    /// Theme name.
    pub name: Option<String>,
    /// Parent theme.
    pub extends: Option<String>,
    /// Responsive image widths (used by the image stage).
    #[serde(default)]
    pub image_widths: Vec<u32>,
    /// Share image used when a page has none, relative to the theme's static/.
    pub share_image: Option<String>,
    /// Free-form settings passed to templates as `theme`.
    #[serde(default)]
    pub settings: toml::Table,
}

/// A theme with its chain merged: child files replace parent files of the same name.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Names from the child up to the root of the chain.
    pub chain: Vec<String>,
    /// Merged settings (the child's theme.toml wins field by field).
    pub config: ThemeConfig,
    /// Web templates by name (`park.html`), with the theme they came from.
    pub templates: BTreeMap<String, (String, String)>,
    /// The site root the theme was loaded for.
    pub root: PathBuf,
    /// Files on disk of the templates (web and print) that come from a site's theme, by template
    /// name, for error positions.
    pub template_files: BTreeMap<String, PathBuf>,
    /// Print templates by name (`flyer.typ`).
    pub print_templates: BTreeMap<String, (String, String)>,
    /// Templates of the internal pages (the share kit, the diff sign-off sheet) by path
    /// (`internal/share-kit.html`), with the theme they came from: staff documents, never published.
    pub internal_templates: BTreeMap<String, (String, String)>,
    /// Static files by output path.
    pub static_files: BTreeMap<String, ThemeFile>,
    /// Fonts.
    pub fonts: BTreeMap<String, ThemeFile>,
    /// Interface strings per language.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
}

/// Points a template error at the site's template file and, when Tera gives them, line and column.
/// Errors in the built-in theme have no file in the site; their message names the template.
pub fn place_in_template(diagnostic: Diagnostic, theme: &Theme, message: &str) -> Diagnostic {
    let Some(path) = theme.template_files.iter().find_map(|(name, path)| {
        let quoted = [
            format!("'{name}'"),
            format!("\"{name}\""),
            format!("`{name}`"),
        ];
        quoted
            .iter()
            .any(|q| message.contains(q.as_str()))
            .then_some(path)
    }) else {
        return diagnostic;
    };
    let position = message.split(" --> ").nth(1).and_then(|rest| {
        let (line, rest) = rest.split_once(':')?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((
            line.trim().parse::<usize>().ok()?,
            column.parse::<usize>().ok()?,
        ))
    });
    match (std::fs::read_to_string(path), position) {
        (Ok(text), Some((line, column))) => {
            let file = crate::diagnostics::SourceFile::new(&theme.root, path.clone(), text);
            diagnostic.at_line(&file, line, column)
        }
        _ => diagnostic.in_path(crate::diagnostics::relative_display(&theme.root, path)),
    }
}

/// One theme's own files, before merging.
struct ThemeSource {
    config: ThemeConfig,
    files: BTreeMap<String, ThemeFile>,
}

/// Loads `name` and its parents. A site's `themes/<name>/` wins over a built-in theme of that name.
/// With `source_cache`, theme files on disk are read only when they changed since an earlier load.
pub fn load(
    root: &Path,
    name: &str,
    source_cache: Option<&SourceCache>,
) -> Result<Theme, Diagnostic> {
    let mut chain = Vec::new();
    let mut sources = Vec::new();
    let mut next = Some(name.to_owned());
    while let Some(current) = next.take() {
        if chain.contains(&current) {
            return Err(Diagnostic::error(
                "theme-cycle",
                format!(
                    "themes extend each other in a circle: {} → {current}",
                    chain.join(" → ")
                ),
            )
            .with_hint("remove `extends` from one of them"));
        }
        let source = read_theme(root, &current)?;
        next = source.config.extends.clone();
        chain.push(current);
        sources.push(source);
    }
    let mut theme = Theme {
        chain,
        config: ThemeConfig::default(),
        templates: BTreeMap::new(),
        root: root.to_path_buf(),
        template_files: BTreeMap::new(),
        print_templates: BTreeMap::new(),
        internal_templates: BTreeMap::new(),
        static_files: BTreeMap::new(),
        fonts: BTreeMap::new(),
        strings: BTreeMap::new(),
    };
    // Apply from the root of the chain down, so children override parents.
    for (source, theme_name) in sources
        .into_iter()
        .rev()
        .zip(theme.chain.clone().into_iter().rev())
    {
        merge_config(&mut theme.config, source.config);
        for (path, file) in source.files {
            theme.add_file(&theme_name, path, file, source_cache)?;
        }
    }
    Ok(theme)
}

fn merge_config(into: &mut ThemeConfig, from: ThemeConfig) {
    if from.name.is_some() {
        into.name = from.name;
    }
    if !from.image_widths.is_empty() {
        into.image_widths = from.image_widths;
    }
    if from.share_image.is_some() {
        into.share_image = from.share_image;
    }
    for (k, v) in from.settings {
        into.settings.insert(k, v);
    }
}

/// Which templates of a theme a Tera is made from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Templates {
    /// `templates/`: the web pages.
    Web,
    /// `print/`: the Typst sources of PDFs and posters.
    Print,
}

impl Theme {
    /// A Tera of the theme's web or print templates, autoescaping the names ending in one of
    /// `autoescape`. Errors name the templates of `required` the theme lacks, or the template that
    /// does not parse, at its line when Tera gives one.
    pub fn tera(
        &self,
        kind: Templates,
        required: &[&str],
        autoescape: Vec<&'static str>,
    ) -> Result<tera::Tera, Diagnostic> {
        let (templates, what, add, fix) = match kind {
            Templates::Web => (
                &self.templates,
                "template",
                "add the templates to templates/, or extend the default theme with `extends = \"default\"` in theme.toml",
                "fix the template named above (Tera syntax, as in Zola)",
            ),
            Templates::Print => (
                &self.print_templates,
                "print template",
                "add them to print/, or extend the default theme",
                "fix the print template named above (Tera syntax around Typst markup)",
            ),
        };
        let chain = self.chain.join(" → ");
        let missing: Vec<&str> = (required.iter().copied())
            .filter(|name| !templates.contains_key(*name))
            .collect();
        if !missing.is_empty() {
            let message = format!("theme `{chain}` has no {what} {}", missing.join(", "));
            return Err(Diagnostic::error("template-error", message).with_hint(add));
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(autoescape);
        add_templates(&mut tera, templates).map_err(|e| {
            let message = crate::diagnostics::error_chain(&e);
            let parse = match kind {
                Templates::Web => format!("a template of theme `{chain}` does not parse"),
                Templates::Print => "a print template does not parse".to_owned(),
            };
            let diagnostic =
                Diagnostic::error("template-error", format!("{parse}: {message}")).with_hint(fix);
            place_in_template(diagnostic, self, &message)
        })?;
        Ok(tera)
    }

    fn add_file(
        &mut self,
        theme_name: &str,
        path: String,
        file: ThemeFile,
        sources: Option<&SourceCache>,
    ) -> Result<(), Diagnostic> {
        let decode = |file: &ThemeFile| -> Result<String, Diagnostic> {
            let bytes = file.bytes().map_err(|e| {
                Diagnostic::error(
                    "unreadable-file",
                    format!("cannot read theme file `{path}` of theme `{theme_name}`: {e}"),
                )
            })?;
            String::from_utf8(bytes.into_owned()).map_err(|_| {
                Diagnostic::error(
                    "invalid-utf8",
                    format!("theme file `{path}` of theme `{theme_name}` is not UTF-8"),
                )
                .with_hint("save the file as UTF-8")
            })
        };
        // Files on disk are read again only when they changed since an earlier build (`serve`).
        let read_text = |file: &ThemeFile| match file {
            ThemeFile::Disk(disk) => cached(sources, disk, || decode(file)),
            ThemeFile::Builtin(_) => decode(file),
        };
        let template = path
            .strip_prefix("templates/")
            .map(|name| (name, &mut self.templates))
            .or_else(|| {
                path.strip_prefix("print/")
                    .map(|name| (name, &mut self.print_templates))
            })
            .or_else(|| {
                path.starts_with("internal/")
                    .then_some((path.as_str(), &mut self.internal_templates))
            });
        if let Some((name, templates)) = template {
            let text = read_text(&file)?;
            templates.insert(name.to_owned(), (theme_name.to_owned(), text));
            match &file {
                ThemeFile::Disk(disk) => self.template_files.insert(name.to_owned(), disk.clone()),
                ThemeFile::Builtin(_) => self.template_files.remove(name),
            };
        } else if let Some(name) = path.strip_prefix("static/") {
            self.static_files.insert(name.to_owned(), file);
        } else if let Some(name) = path.strip_prefix("fonts/") {
            self.fonts.insert(name.to_owned(), file);
        } else if let Some(name) = path.strip_prefix("i18n/") {
            let Some(lang) = name.strip_suffix(".toml") else {
                return Ok(());
            };
            let text = read_text(&file)?;
            let table: BTreeMap<String, String> = toml::from_str(&text).map_err(|e| {
                Diagnostic::error(
                    "toml-syntax",
                    format!("theme `{theme_name}`, i18n/{lang}.toml: {}", e.message()),
                )
                .with_hint("interface strings are `key = \"text\"` lines")
            })?;
            self.strings
                .entry(lang.to_owned())
                .or_default()
                .extend(table);
        }
        Ok(())
    }

    /// Renders the internal page `name` (`internal/share-kit.html`) with `context`, HTML-escaped
    /// as web pages are. A site theme overrides it like any template.
    pub fn render_internal(
        &self,
        name: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, Diagnostic> {
        let chain = self.chain.join(" → ");
        let Some((_, source)) = self.internal_templates.get(name) else {
            return Err(Diagnostic::error(
                "template-error",
                format!("theme `{chain}` has no template {name}"),
            )
            .with_hint("add it to the theme, or extend the default theme"));
        };
        let failed = |error: tera::Error| {
            let message = crate::diagnostics::error_chain(&error);
            let diagnostic = Diagnostic::error(
                "template-error",
                format!("the template {name} of theme `{chain}` failed: {message}"),
            )
            .with_hint("fix the template named above (Tera syntax, as in Zola)");
            place_in_template(diagnostic, self, &message)
        };
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::escape::escape_html);
        tera.add_raw_template(name, source).map_err(failed)?;
        let context = tera::Context::from_serialize(context).map_err(failed)?;
        tera.render(name, &context).map_err(failed)
    }

    /// The interface string `key` in `lang`. A language the theme lacks it in falls back to
    /// English (the language most investors read), then to `fallback_lang`, then to the key.
    pub fn string<'a>(&'a self, lang: &str, fallback_lang: &str, key: &'a str) -> &'a str {
        [lang, "en", fallback_lang]
            .iter()
            .find_map(|l| self.strings.get(*l).and_then(|s| s.get(key)))
            .map_or(key, String::as_str)
    }

    /// Every interface string in `lang` (the templates' `t`), each falling back as
    /// [`Theme::string`] does: to English, then to `fallback_lang`.
    pub fn strings_for(&self, lang: &str, fallback_lang: &str) -> BTreeMap<&str, &str> {
        [fallback_lang, "en", lang]
            .iter()
            .filter_map(|l| self.strings.get(*l))
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The name of `lang` in itself for the language switcher: the theme's `language_name` in
    /// that language, else the endonym parkpress knows (Deutsch, 日本語), else the code.
    pub fn language_name(&self, lang: &str) -> String {
        self.strings
            .get(lang)
            .and_then(|s| s.get("language_name"))
            .cloned()
            .or_else(|| crate::locale::endonym(lang).map(str::to_owned))
            .unwrap_or_else(|| lang.to_owned())
    }

    /// Warnings for site languages the theme has no or not all interface strings for (measured
    /// against its English strings): those pages show English menus and labels.
    pub fn string_gaps(&self, languages: &[crate::model::Language]) -> Vec<Diagnostic> {
        let Some(reference) = self.strings.get("en") else {
            return Vec::new();
        };
        let theme = self.chain.join(" → ");
        let mut out = Vec::new();
        for code in languages
            .iter()
            .map(|l| l.code.as_str())
            .filter(|c| *c != "en")
        {
            let hint = format!(
                "add the strings to themes/<theme>/i18n/{code}.toml (keys as in the default theme's i18n/en.toml)"
            );
            let Some(own) = self.strings.get(code) else {
                out.push(
                    Diagnostic::warning(
                        "interface-strings-missing",
                        format!("theme `{theme}` has no interface strings in `{code}`: its menus, labels and search box show in English"),
                    )
                    .with_hint(hint),
                );
                continue;
            };
            let missing: Vec<&str> = reference
                .keys()
                .filter(|k| !own.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                let shown = missing
                    .iter()
                    .take(8)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = if missing.len() > 8 { ", …" } else { "" };
                out.push(
                    Diagnostic::warning(
                        "interface-strings-missing",
                        format!(
                            "theme `{theme}` lacks {} interface string(s) in `{code}` ({shown}{more}): they show in English",
                            missing.len()
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
        out
    }
}

fn read_theme(root: &Path, name: &str) -> Result<ThemeSource, Diagnostic> {
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        return read_disk_theme(&dir, name);
    }
    match BUILTIN_THEMES.get_dir(name) {
        Some(dir) => read_builtin_theme(dir, name),
        None => Err(
            Diagnostic::error("unknown-theme", format!("theme `{name}` not found")).with_hint(
                format!("create themes/{name}/ in the site, or use the built-in theme \"default\""),
            ),
        ),
    }
}

fn parse_theme_config(text: &str, name: &str) -> Result<ThemeConfig, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        Diagnostic::error(
            "toml-syntax",
            format!("theme `{name}`, theme.toml: {}", e.message()),
        )
        .with_hint("see docs/themes.md for the fields of theme.toml")
    })
}

fn read_disk_theme(dir: &Path, name: &str) -> Result<ThemeSource, Diagnostic> {
    let config_path = dir.join("theme.toml");
    let config = match std::fs::read_to_string(&config_path) {
        Ok(text) => parse_theme_config(&text, name)?,
        Err(_) => ThemeConfig::default(),
    };
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = crate::diagnostics::relative_display(dir, entry.path());
        files.insert(rel, ThemeFile::Disk(entry.path().to_path_buf()));
    }
    Ok(ThemeSource { config, files })
}

fn read_builtin_theme(dir: &'static Dir<'static>, name: &str) -> Result<ThemeSource, Diagnostic> {
    let config = match dir.get_file(format!("{name}/theme.toml")) {
        Some(file) => parse_theme_config(file.contents_utf8().unwrap_or(""), name)?,
        None => ThemeConfig::default(),
    };
    let mut files = BTreeMap::new();
    collect_builtin(dir, name, &mut files);
    Ok(ThemeSource { config, files })
}

fn collect_builtin(dir: &'static Dir<'static>, theme: &str, out: &mut BTreeMap<String, ThemeFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let rel = path
            .strip_prefix(&format!("{theme}/"))
            .unwrap_or(&path)
            .to_owned();
        out.insert(rel, ThemeFile::Builtin(file.contents()));
    }
    for sub in dir.dirs() {
        collect_builtin(sub, theme, out);
    }
}

/// [`tera::Tera::add_raw_templates`] with the templates parsed side by side (a theme's templates
/// take tens of milliseconds to parse one after the other): the same templates, the same error
/// for the first in name order that does not parse, the same checks of inheritance and macros.
/// Parsed templates go into `Tera::templates` (public, though hidden from Tera's documentation),
/// which `build_inheritance_chains` documents as the way after parsing outside `add_*`.
fn add_templates(
    tera: &mut tera::Tera,
    templates: &BTreeMap<String, (String, String)>,
) -> tera::Result<()> {
    let parsed: Vec<(&String, tera::Result<tera::Template>)> = templates
        .par_iter()
        .map(|(name, (_, source))| (name, tera::Template::new(name, None, source)))
        .collect();
    for (name, template) in parsed {
        let template =
            template.map_err(|e| tera::Error::chain(format!("Failed to parse '{name}'"), e))?;
        tera.templates.insert(name.clone(), template);
    }
    tera.build_inheritance_chains()?;
    tera.check_macro_files()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(templates: &[(&str, &str)]) -> BTreeMap<String, (String, String)> {
        (templates.iter())
            .map(|(name, text)| (name.to_string(), (String::new(), text.to_string())))
            .collect()
    }

    #[test]
    fn templates_parsed_side_by_side_render_and_fail_as_tera_would() {
        let mut tera = tera::Tera::default();
        let good = sources(&[
            ("base.html", "<b>{% block x %}base{% endblock x %}</b>"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block x %}{{ v }}{% endblock x %}",
            ),
        ]);
        add_templates(&mut tera, &good).expect("parses");
        let mut context = tera::Context::new();
        context.insert("v", "page");
        assert_eq!(
            tera.render("page.html", &context).expect("renders"),
            "<b>page</b>"
        );

        let broken = sources(&[
            ("b.html", "{% if %}"),
            ("a.html", "{{ x "),
            ("c.html", "ok"),
        ]);
        let error = add_templates(&mut tera::Tera::default(), &broken).expect_err("broken");
        let mut expected = tera::Tera::default();
        let tera_error = expected
            .add_raw_templates(broken.iter().map(|(name, (_, text))| (name, text)))
            .expect_err("broken");
        assert_eq!(
            crate::diagnostics::error_chain(&error),
            crate::diagnostics::error_chain(&tera_error)
        );
        assert!(error.to_string().contains("'a.html'"), "{error}");

        let orphan = sources(&[("page.html", "{% extends \"gone.html\" %}")]);
        assert!(add_templates(&mut tera::Tera::default(), &orphan).is_err());
    }

    #[test]
    fn every_builtin_language_has_every_interface_string() {
        let theme = super::load(std::path::Path::new("/nonexistent"), "default", None)
            .expect("built-in theme");
        let english: Vec<&String> = theme.strings["en"].keys().collect();
        for lang in ["zh", "ja", "ko", "de", "fr", "ru"] {
            let own: Vec<&String> = theme.strings[lang].keys().collect();
            assert_eq!(
                own, english,
                "interface strings of `{lang}` differ from en.toml"
            );
        }
    }
}
