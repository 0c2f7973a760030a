//! Builds the per-language views of the site once: cards, policy views, zone view. Pages borrow
//! them, so no page clones the whole site.

pub mod context;
pub mod format;
pub mod prices;

use crate::model::*;
use crate::theme::Theme;
use crate::urls::Urls;
use context::*;
use format::figure;

/// Everything about one language that several pages share.
#[derive(Debug)]
pub struct LangViews {
    /// Language code.
    pub lang: String,
    /// `site` for every page.
    pub site: SiteView,
    /// What every page's template gets, made once per language: `site`, `t` (the interface
    /// strings), `lang` and `theme` (the theme's settings). Pages clone it and add their own.
    pub base_context: tera::Context,
    /// A hash of `base_context`, part of each page's key in the render cache (`serve`).
    pub base_key: u128,
    /// The zone.
    pub zone: ZoneView,
    /// Park cards in listing order.
    pub parks: Vec<ParkCard>,
    /// Tenant cards per park, in the park's tenant order.
    pub tenants: Vec<Vec<TenantCard>>,
    /// Live policies per park.
    pub policies: Vec<Vec<PolicyView>>,
    /// News cards, newest first.
    pub news: Vec<NewsCard>,
}

/// Shared inputs of view building.
pub struct ViewCx<'a> {
    /// The site.
    pub site: &'a Site,
    /// The theme (strings).
    pub theme: &'a Theme,
    /// URL builder.
    pub urls: &'a Urls,
    /// Known image sizes by content path.
    pub images: &'a std::sync::Arc<crate::assets::images::ImagePlan>,
    /// Tracked and short links.
    pub links: &'a std::sync::Arc<crate::share::ShareLinks>,
    /// Output paths of the PDFs this run makes, so pages link the ones that exist.
    pub pdfs: &'a std::collections::BTreeSet<String>,
    /// Include drafts.
    pub drafts: bool,
}

impl ViewCx<'_> {
    /// Interface string.
    pub fn s(&self, lang: &str, key: &str) -> String {
        self.theme
            .string(lang, self.site.default_lang(), key)
            .to_owned()
    }

    fn picture(&self, asset: &Asset, alt: &str) -> Picture {
        let info = self.images.get(&asset.path);
        Picture {
            src: asset.path.clone(),
            url: info.map_or_else(|| self.urls.file(&asset.path), |i| i.url.clone()),
            alt: alt.to_owned(),
            width: info.and_then(|i| i.width),
            height: info.and_then(|i| i.height),
            srcset: info.and_then(|i| i.srcset.clone()),
            logo: info.and_then(|i| i.logo.clone()),
        }
    }

    /// URL of a PDF of this run, or None when it is not made.
    fn pdf_url(&self, path: &str) -> Option<String> {
        self.pdfs.contains(path).then(|| self.urls.root(path))
    }

    fn date(&self, date: chrono::NaiveDate, lang: &str) -> String {
        format::date(date, lang)
    }

    fn pipeline(&self, p: &Pipeline, lang: &str) -> PipelineView {
        PipelineView {
            signed: p.signed,
            to_sign: p.to_sign,
            negotiating: p.negotiating,
            total: p.signed.unwrap_or(0) + p.to_sign.unwrap_or(0) + p.negotiating.unwrap_or(0),
            as_of: p.as_of.to_string(),
            as_of_display: self.date(p.as_of, lang),
        }
    }

    /// Transport distances as templates show them.
    pub fn access_views(&self, access: &[Access], lang: &str) -> Vec<AccessView> {
        access
            .iter()
            .map(|a| AccessView {
                to: a.to.get(lang).to_owned(),
                km: a.km.map(|km| format::number(km, lang)),
                minutes: a.minutes,
            })
            .collect()
    }

    fn steps(&self, steps: &[Step], lang: &str) -> Vec<StepView> {
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView {
                number: i + 1,
                title: s.title.get(lang).to_owned(),
                detail: s.detail.as_ref().map(|d| d.get(lang).to_owned()),
            })
            .collect()
    }

    fn industry(&self, key: &str, lang: &str) -> Option<IndustryView> {
        self.site.industry(key).map(|i| IndustryView {
            key: i.key.clone(),
            name: i.name.get(lang).to_owned(),
        })
    }

    /// URL path (no language prefix) of a park.
    pub fn park_path(key: &str) -> String {
        format!("parks/{key}/")
    }

    /// URL path of a park contact's vCard.
    pub fn vcard_path(park: &str, index: usize) -> String {
        format!("parks/{park}/contact-{}.vcf", index + 1)
    }

    /// URL path of a tenant.
    pub fn tenant_path(park: &str, tenant: &str) -> String {
        format!("parks/{park}/tenants/{tenant}/")
    }

    /// Builds the views of every language, in parallel: once per build, for web pages, print
    /// and search alike.
    pub fn all_views(&self) -> Vec<LangViews> {
        use rayon::prelude::*;
        self.site
            .languages
            .par_iter()
            .map(|lang| self.lang_views(lang))
            .collect()
    }

    /// Builds all shared views of one language.
    fn lang_views(&self, lang: &Language) -> LangViews {
        let code = lang.code.as_str();
        let site = self.site;
        let parks: Vec<ParkCard> = site.parks.iter().map(|p| self.park_card(p, code)).collect();
        let tenants: Vec<Vec<TenantCard>> = site
            .parks
            .iter()
            .map(|p| {
                p.tenants
                    .iter()
                    .map(|t| self.tenant_card(p, t, code))
                    .collect()
            })
            .collect();
        let policies = site
            .parks
            .iter()
            .map(|p| {
                p.policies
                    .iter()
                    .filter(|policy| policy.is_live(site.build_date, self.drafts))
                    .map(|policy| self.policy_view(p, policy, code))
                    .collect()
            })
            .collect();
        let news = site.news.iter().map(|n| self.news_card(n, code)).collect();
        let strings = serde_json::to_value(self.theme.strings_for(code, site.default_lang()))
            .unwrap_or_default();
        let site_view = self.site_view(lang);
        let mut base_context = tera::Context::new();
        base_context.insert("site", &site_view);
        base_context.insert("t", &strings);
        base_context.insert("lang", code);
        base_context.insert("theme", &self.theme.config.settings);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hash_value(&mut hasher, &base_context.clone().into_json());
        let base_key = hasher.digest128();
        LangViews {
            lang: code.to_owned(),
            site: site_view,
            base_context,
            base_key,
            zone: self.zone_view(code),
            parks,
            tenants,
            policies,
            news,
        }
    }

    fn site_view(&self, lang: &Language) -> SiteView {
        let code = lang.code.as_str();
        let site = self.site;
        let zone = &site.zone;
        let page = |path: &str| self.urls.page(code, path);
        SiteView {
            title: site.title.get(code).to_owned(),
            description: site
                .description
                .as_ref()
                .map(|d| d.get(code).to_owned())
                .unwrap_or_default(),
            notice: site.notice.as_ref().map(|n| n.get(code).to_owned()),
            lang: code.to_owned(),
            lang_tag: lang.tag.clone(),
            og_locale: crate::locale::og_locale(&lang.tag),
            default_lang: site.default_lang().to_owned(),
            base_path: self.urls.prefix().to_owned(),
            base_url: site.base_url.clone(),
            domain: crate::checks::release::host_of(&site.base_url),
            nav: Nav {
                home: page(""),
                parks: page("parks/"),
                tenants: page("tenants/"),
                policies: page("policies/"),
                news: page("news/"),
                feed: page("news/atom.xml"),
                search: page("search/"),
                costs: page("costs/"),
                finder: page("finder/"),
                carriers: page("carriers/"),
                compare: page("compare/"),
                enquiry: page("enquiry/"),
            },
            menu: site
                .pages
                .iter()
                .filter(|p| p.menu)
                .map(|p| Link {
                    title: p.title.get(code).to_owned(),
                    url: page(&format!("{}/", p.key)),
                })
                .collect(),
            zone: ZoneBrief {
                name: zone.name.get(code).to_owned(),
                region: zone.region.as_ref().map(|t| t.get(code).to_owned()),
                address: zone.address.as_ref().map(|t| t.get(code).to_owned()),
                hotline: zone.hotline.clone(),
                email: zone.email.clone(),
                wechat: zone.wechat.clone(),
                wechat_qr: zone.wechat_qr.as_ref().map(|a| self.urls.file(&a.path)),
                site_code: zone.site_code.clone(),
                sponsor: zone.sponsor.as_ref().map(|t| t.get(code).to_owned()),
                organizer: zone.organizer.as_ref().map(|t| t.get(code).to_owned()),
                icp: zone.icp.clone(),
                police_record: zone.police_record.clone(),
                police_record_url: zone.police_record.as_deref().and_then(police_record_url),
            },
            zone_pdf: self.pdf_url(&crate::urls::pdf::zone(code)),
            search_engines: site.search_engines.as_ref().map(|engines| {
                engines
                    .verifications
                    .iter()
                    .map(|(name, content)| MetaTag {
                        name: (*name).to_owned(),
                        content: content.clone(),
                    })
                    .collect()
            }),
            build_date: site.build_date.to_string(),
            build_date_display: self.date(site.build_date, code),
            year: chrono::Datelike::year(&site.build_date),
        }
    }

    fn zone_view(&self, lang: &str) -> ZoneView {
        let zone = &self.site.zone;
        ZoneView {
            name: zone.name.get(lang).to_owned(),
            region: zone.region.as_ref().map(|t| t.get(lang).to_owned()),
            summary: zone.summary.as_ref().map(|t| t.get(lang).to_owned()),
            address: zone.address.as_ref().map(|t| t.get(lang).to_owned()),
            industries: zone
                .industries
                .iter()
                .map(|i| IndustryView {
                    key: i.key.clone(),
                    name: i.name.get(lang).to_owned(),
                })
                .collect(),
            metrics: zone
                .metrics
                .iter()
                .map(|m| MetricView {
                    label: m.label.get(lang).to_owned(),
                    figure: figure(&m.quantity, lang),
                    as_of: m.as_of.to_string(),
                    as_of_display: self.date(m.as_of, lang),
                    source: m.source.as_ref().map(|s| s.get(lang).to_owned()),
                })
                .collect(),
            pipeline: zone.pipeline.as_ref().map(|p| self.pipeline(p, lang)),
            access: self.access_views(&zone.access, lang),
            process: self.steps(&zone.process, lang),
            services: self.steps(&zone.services, lang),
            location: zone.location,
            cover: zone
                .cover
                .as_ref()
                .map(|c| self.picture(c, zone.name.get(lang))),
        }
    }

    fn park_card(&self, park: &Park, lang: &str) -> ParkCard {
        let name = park.name.get(lang).to_owned();
        ParkCard {
            key: park.key.clone(),
            url: self.urls.page(lang, &Self::park_path(&park.key)),
            operator: park.operator.get(lang).to_owned(),
            positioning: park.positioning.get(lang).to_owned(),
            summary: park
                .summary
                .as_ref()
                .unwrap_or(&park.positioning)
                .get(lang)
                .to_owned(),
            status: park.status.code(),
            status_label: self.s(lang, &format!("park_status.{}", park.status.code())),
            industries: park
                .industries
                .iter()
                .filter_map(|k| self.industry(k, lang))
                .collect(),
            cover: park.cover.as_ref().map(|c| self.picture(c, &name)),
            area: park.area.as_ref().map(|a| figure(a, lang)),
            pdf: self.pdf_url(&crate::urls::pdf::park(&park.key, lang)),
            flyer: self.pdf_url(&crate::urls::pdf::flyer(&park.key, lang)),
            tenant_count: park.tenants.len(),
            policy_count: park
                .policies
                .iter()
                .filter(|p| p.is_live(self.site.build_date, self.drafts))
                .count(),
            name,
        }
    }

    fn tenant_card(&self, park: &Park, tenant: &Tenant, lang: &str) -> TenantCard {
        let name = tenant.name.get(lang).to_owned();
        let status = tenant.status.code();
        TenantCard {
            key: tenant.key.clone(),
            url: self
                .urls
                .page(lang, &Self::tenant_path(&park.key, &tenant.key)),
            status,
            status_label: self.s(lang, &format!("tenant_status.{status}")),
            industry: tenant
                .industry
                .as_deref()
                .and_then(|k| self.industry(k, lang)),
            summary: tenant.summary.as_ref().map(|s| s.get(lang).to_owned()),
            logo: tenant.logo.as_ref().map(|l| self.picture(l, &name)),
            featured: tenant.featured,
            park_key: park.key.clone(),
            park_name: park.name.get(lang).to_owned(),
            park_url: self.urls.page(lang, &Self::park_path(&park.key)),
            name,
        }
    }

    fn policy_view(&self, park: &Park, policy: &Policy, lang: &str) -> PolicyView {
        let category = policy.category.code();
        let text = |t: &Option<Text>| t.as_ref().map(|t| t.get(lang).to_owned());
        PolicyView {
            key: policy.key.clone(),
            title: policy.title.get(lang).to_owned(),
            category,
            category_label: self.s(lang, &format!("policy_category.{category}")),
            summary: policy.summary.get(lang).to_owned(),
            benefit: text(&policy.benefit),
            eligibility: text(&policy.eligibility),
            source: text(&policy.source),
            document: policy.document.clone(),
            issuer: text(&policy.issuer),
            source_url: policy.source_url.clone(),
            valid_from: policy.valid_from.map(|d| self.date(d, lang)),
            valid_until: policy.valid_until.map(|d| self.date(d, lang)),
            park_key: park.key.clone(),
            park_name: park.name.get(lang).to_owned(),
            url: format!(
                "{}#{}",
                self.urls.page(lang, &Self::park_path(&park.key)),
                policy.key
            ),
            industries: park.industries.join(" "),
        }
    }

    fn news_card(&self, news: &News, lang: &str) -> NewsCard {
        let title = news.title.get(lang).to_owned();
        NewsCard {
            key: news.key.clone(),
            url: self.urls.page(lang, &format!("news/{}/", news.key)),
            date: news.date.to_string(),
            date_display: self.date(news.date, lang),
            summary: news.summary.as_ref().map(|s| s.get(lang).to_owned()),
            cover: news.cover.as_ref().map(|c| self.picture(c, &title)),
            parks: news
                .parks
                .iter()
                .filter_map(|k| self.site.park(k))
                .map(|p| Link {
                    title: p.name.get(lang).to_owned(),
                    url: self.urls.page(lang, &Self::park_path(&p.key)),
                })
                .collect(),
            source: news
                .source
                .as_ref()
                .map(|(name, _)| name.get(lang).to_owned()),
            source_url: news.source.as_ref().and_then(|(_, url)| url.clone()),
            title,
        }
    }

    /// A factor guarantee as templates (and the search index) show it.
    pub fn factor_view(&self, factor: &Factor, lang: &str) -> FactorView {
        let kind = factor.kind.code();
        // A number with a money rate (`19.2 万元/亩`) is scaled like any quantity of money.
        let figure = match (&factor.value, &factor.unit) {
            (Some(FactorValue::Number(n)), Some(unit)) => Some(format::figure(
                &crate::model::Quantity {
                    value: *n,
                    unit: crate::model::Unit::Text(unit.clone()),
                },
                lang,
            )),
            _ => None,
        };
        let unit = match &figure {
            Some(figure) => Some(figure.unit.clone()),
            None => factor.unit.as_ref().map(|u| u.get(lang).to_owned()),
        };
        FactorView {
            kind,
            label: factor.label.as_ref().map_or_else(
                || self.s(lang, &format!("factor_kind.{kind}")),
                |l| l.get(lang).to_owned(),
            ),
            value: factor.value.as_ref().map(|v| {
                if let Some(price) = factor.price {
                    return self.price_display(price, lang);
                }
                match (v, &figure) {
                    (_, Some(figure)) => figure.display.clone(),
                    (FactorValue::Number(n), None) => format::number(*n, lang),
                    (FactorValue::Text(t), None) => {
                        format::join_unit(t.get(lang), unit.as_deref().unwrap_or(""))
                    }
                }
            }),
            unit,
            note: factor.note.as_ref().map(|t| t.get(lang).to_owned()),
            as_of: factor.as_of.map(|d| self.date(d, lang)),
        }
    }

    /// A carrier as the park page and the space finder show it.
    pub fn carrier_view(&self, c: &Carrier, lang: &str) -> CarrierView {
        let kind = c.kind.code();
        CarrierView {
            kind,
            kind_label: self.s(lang, &format!("carrier_kind.{kind}")),
            name: c.name.get(lang).to_owned(),
            area: c.area.as_ref().map(|q| figure(q, lang)),
            available: c.available.as_ref().map(|q| figure(q, lang)),
            price: c.price.as_ref().map(|q| figure(q, lang)),
            note: c.note.as_ref().map(|t| t.get(lang).to_owned()),
            as_of: c.as_of.map(|d| self.date(d, lang)),
        }
    }

    /// A park's contacts, each with its vCard.
    pub fn park_contacts(&self, park: &Park, lang: &str) -> Vec<ContactView> {
        park.contacts
            .iter()
            .enumerate()
            .map(|(i, c)| ContactView {
                vcard: self.urls.page(lang, &Self::vcard_path(&park.key, i)),
                name: c.name.get(lang).to_owned(),
                role: c.role.as_ref().map(|t| t.get(lang).to_owned()),
                tel: c.phone.as_ref().map(|p| {
                    format!(
                        "tel:{}",
                        p.chars()
                            .filter(|c| c.is_ascii_digit() || *c == '+')
                            .collect::<String>()
                    )
                }),
                phone: c.phone.clone(),
                email: c.email.clone(),
                wechat: c.wechat.clone(),
            })
            .collect()
    }

    /// The full view of a park page.
    pub fn park_view<'v>(
        &self,
        views: &'v LangViews,
        index: usize,
        body: String,
        toc: Vec<TocEntry>,
    ) -> ParkView<'v> {
        let park = &self.site.parks[index];
        let lang = views.lang.as_str();
        let text = |t: &Option<Text>| t.as_ref().map(|t| t.get(lang).to_owned());
        let tenants = &views.tenants[index];
        ParkView {
            card: &views.parks[index],
            developer: text(&park.developer),
            highlights: park
                .highlights
                .iter()
                .map(|h| h.get(lang).to_owned())
                .collect(),
            policies: views.policies[index].iter().collect(),
            factors: park
                .factors
                .iter()
                .map(|f| self.factor_view(f, lang))
                .collect(),
            carriers: park
                .carriers
                .iter()
                .map(|c| self.carrier_view(c, lang))
                .collect(),
            access: self.access_views(&park.access, lang),
            pipeline: park.pipeline.as_ref().map(|p| self.pipeline(p, lang)),
            contacts: self.park_contacts(park, lang),
            tools: self.tool_links(park, lang),
            gallery: park
                .gallery
                .iter()
                .map(|g| {
                    let caption = text(&g.caption);
                    GalleryView {
                        image: self
                            .picture(&g.image, caption.as_deref().unwrap_or(park.name.get(lang))),
                        caption,
                    }
                })
                .collect(),
            map: park
                .map
                .as_ref()
                .map(|m| self.picture(m, park.name.get(lang))),
            featured_tenants: tenants.iter().filter(|t| t.featured).collect(),
            other_tenants: tenants.iter().filter(|t| !t.featured).collect(),
            body,
            toc,
        }
    }
}

/// The lookup page of a public security filing (公安备案) on beian.mps.gov.cn, as the ministry's
/// own footer snippet links it: `鲁公网安备 37012502000123号` → `…webSearch?code=37012502000123`.
/// Only the digits of the number go into the URL; a number without digits gets no link.
fn police_record_url(record: &str) -> Option<String> {
    let code: String = record.chars().filter(char::is_ascii_digit).collect();
    (!code.is_empty()).then(|| format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}"))
}

/// Feeds `value` into `hasher`, every node with its kind and every string and key with its length,
/// so two values hash alike only when they are equal (objects are ordered maps).
pub fn hash_value(hasher: &mut xxhash_rust::xxh3::Xxh3, value: &tera::Value) {
    use tera::Value;
    let text = |hasher: &mut xxhash_rust::xxh3::Xxh3, text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            hasher.update(b"#");
            text(hasher, &n.to_string());
        }
        Value::String(s) => {
            hasher.update(b"s");
            text(hasher, s);
        }
        Value::Array(items) => {
            hasher.update(b"[");
            hasher.update(&(items.len() as u64).to_le_bytes());
            for item in items {
                hash_value(hasher, item);
            }
        }
        Value::Object(map) => {
            hasher.update(b"{");
            hasher.update(&(map.len() as u64).to_le_bytes());
            for (key, item) in map {
                text(hasher, key);
                hash_value(hasher, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::police_record_url;

    #[test]
    fn police_record_links_carry_only_the_record_digits() {
        let query = "https://beian.mps.gov.cn/#/query/webSearch?code=";
        for (record, code) in [
            ("鲁公网安备 37012502000123号", Some("37012502000123")),
            ("鲁公网安备 3701\"><script>1号", Some("37011")),
            ("待备案", None),
        ] {
            let want = code.map(|code| format!("{query}{code}"));
            assert_eq!(police_record_url(record), want, "{record}");
        }
    }
}
