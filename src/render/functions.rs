//! The Tera functions and filters of the default theme's web templates, each a type with a
//! serialized result (as Zola writes its global functions). `share_link`, which print templates
//! use too, lives with the links it reads ([`crate::share::ShareLinkFunction`]).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tera::Value;

use crate::assets::images::ImagePlan;
use crate::urls::Urls;

/// Registers every web template function and filter on `tera`.
pub(super) fn register(
    tera: &mut tera::Tera,
    urls: &Urls,
    images: &Arc<ImagePlan>,
    links: &Arc<crate::share::ShareLinks>,
) {
    tera.register_function("get_url", GetUrl { urls: urls.clone() });
    tera.register_function(
        "image",
        ImageFunction {
            plan: Arc::clone(images),
        },
    );
    tera.register_function("share_link", crate::share::ShareLinkFunction::new(links));
    tera.register_filter("json_ld", json_ld);
}

/// `get_url(path, lang?)`: a theme or content file's URL, or with `lang` a page's URL in that
/// language.
struct GetUrl {
    urls: Urls,
}

impl tera::Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("get_url needs `path`, e.g. get_url(path=\"css/site.css\")")
        })?;
        let url = match args.get("lang").and_then(Value::as_str) {
            Some(lang) => self.urls.page(lang, path.trim_start_matches('/')),
            None => self.urls.root(path),
        };
        Ok(Value::String(url))
    }
}

/// `image(path, width?)`: the smallest variant of a content image at least `width` pixels wide.
struct ImageFunction {
    plan: Arc<ImagePlan>,
}

/// What `image()` returns.
#[derive(Serialize)]
struct ImageValue<'a> {
    /// URL of the chosen variant (the image itself when it has none).
    url: &'a str,
    width: Option<u32>,
    height: Option<u32>,
    /// Every variant, for `srcset`.
    srcset: &'a Option<String>,
}

impl tera::Function for ImageFunction {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg(
                "image needs `path`, relative to content/, e.g. image(path=\"parks/x/cover.jpg\", width=960)",
            )
        })?;
        let info = self.plan.get(path.trim_start_matches('/')).ok_or_else(|| {
            tera::Error::msg(format!("image `{path}` is not an image under content/"))
        })?;
        let width = args.get("width").and_then(Value::as_u64).unwrap_or(0) as u32;
        let chosen = info.at_least(width);
        let value = tera::to_value(ImageValue {
            url: chosen.map_or(info.url.as_str(), |v| v.url.as_str()),
            width: chosen.map(|v| v.width).or(info.width),
            height: chosen.map(|v| v.height).or(info.height),
            srcset: &info.srcset,
        })?;
        Ok(value)
    }
}

/// `value | json_ld`: JSON safe inside `<script type="application/ld+json">`.
fn json_ld(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(crate::escape::json_in_script(value)))
}
