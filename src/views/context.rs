//! Typed template contexts: what each kind of page gives its template, in one language, with text
//! resolved, figures formatted and URLs built. Shared views (cards) are built once per language and
//! borrowed by every page that lists them. `docs/themes.md` documents every field.

use serde::Serialize;

use super::format::Figure;

/// What every page gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Banner on every page.
    pub notice: Option<String>,
    /// Language code of this page.
    pub lang: String,
    /// BCP 47 tag for `<html lang>`.
    pub lang_tag: String,
    /// Open Graph locale of the page language (`zh_CN`, `de_DE`).
    pub og_locale: String,
    /// Default language code.
    pub default_lang: String,
    /// Path of base_url (`/invest` or empty), for static file links.
    pub base_path: String,
    /// Absolute base URL.
    pub base_url: String,
    /// Host name of the base URL (`invest.example.gov.cn`), for government site metadata.
    pub domain: String,
    /// URLs of the built-in listings in this language.
    pub nav: Nav,
    /// Free pages with `menu = true`.
    pub menu: Vec<Link>,
    /// Zone identity and contact data for header and footer.
    pub zone: ZoneBrief,
    /// Build date, ISO and localized.
    pub build_date: String,
    /// Build date as the language writes it.
    pub build_date_display: String,
    /// The year, for copyright lines.
    pub year: i32,
    /// URL of the zone brochure PDF in this language, when this build makes it.
    pub zone_pdf: Option<String>,
    /// With `[search_engines]` in site.toml: its site verification meta tags (the default theme
    /// writes them on the home page, and on every page the tags that keep Baidu from re-wrapping
    /// it on phones); `None` without the section.
    pub search_engines: Option<Vec<MetaTag>>,
}

/// A `<meta name content>` pair.
#[derive(Debug, Clone, Serialize)]
pub struct MetaTag {
    /// `name`.
    pub name: String,
    /// `content`.
    pub content: String,
}

/// URLs of the site's built-in pages in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    /// Home.
    pub home: String,
    /// Parks list.
    pub parks: String,
    /// Tenants list.
    pub tenants: String,
    /// Policies list.
    pub policies: String,
    /// News list.
    pub news: String,
    /// Atom feed.
    pub feed: String,
    /// Search page (reads `?q=`).
    pub search: String,
    /// Cost estimator.
    pub costs: String,
    /// Policy finder.
    pub finder: String,
    /// Space finder.
    pub carriers: String,
    /// Park comparison.
    pub compare: String,
    /// Enquiry form.
    pub enquiry: String,
}

/// A titled link.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
}

/// Zone data shown on every page.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneBrief {
    /// Zone name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Hotline.
    pub hotline: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// WeChat official account.
    pub wechat: Option<String>,
    /// URL of the WeChat QR image.
    pub wechat_qr: Option<String>,
    /// Government site code.
    pub site_code: Option<String>,
    /// 主办单位: the body that runs the site.
    pub sponsor: Option<String>,
    /// 承办单位: the office that maintains it.
    pub organizer: Option<String>,
    /// ICP filing number.
    pub icp: Option<String>,
    /// Public security filing number.
    pub police_record: Option<String>,
    /// The public security filing's lookup page on beian.mps.gov.cn (its record code is the
    /// digits of `police_record`).
    pub police_record_url: Option<String>,
}

/// What every page gets as `page`: its own metadata.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// Kind of page: home, parks, park, tenant, tenants, policies, news_list, news, page,
    /// not_found, search.
    pub kind: &'static str,
    /// Title of this page (without the site title).
    pub title: String,
    /// Meta description, trimmed.
    pub description: String,
    /// Root-relative URL.
    pub url: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// Open Graph image.
    pub og_image: Option<ImageRef>,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// This page in every language, including this one.
    pub alternates: Vec<Alternate>,
    /// "Scan to open on your phone": the page's short link (home and parks) or tracked link
    /// (`utm_source=site&utm_medium=qr`), and its QR code as inline SVG.
    pub qr: Option<PageQr>,
    /// The section (栏目) the page belongs to, named in this language: government site checks
    /// read it as `ColumnName`.
    pub column: String,
    /// The article this page is (news, park, tenant, free page), for `ArticleTitle`, `PubDate`
    /// and `ContentSource`; `None` for lists and tools.
    pub article: Option<ArticleMeta>,
}

/// What government site checks read of an article page.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleMeta {
    /// Publication date as `YYYY-MM-DD HH:MM` (news items; content gives dates, so `00:00`).
    pub published: Option<String>,
    /// Where the text comes from: the news item's source, else the site's sponsor, else the zone.
    pub source: String,
}

/// A QR code of the page, for desktop visitors to open it on their phone.
#[derive(Debug, Clone, Serialize)]
pub struct PageQr {
    /// What the code encodes.
    pub url: String,
    /// The code as an SVG element.
    pub svg: String,
}

/// An image with its absolute URL and size.
#[derive(Debug, Clone, Serialize)]
pub struct ImageRef {
    /// Absolute URL.
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Root-relative URL of its 300×300 WeChat thumbnail (a small JPEG), when it has one.
    pub thumb: Option<String>,
}

/// The same page in another language.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// Language code.
    pub lang: String,
    /// BCP 47 tag, for hreflang.
    pub tag: String,
    /// Language name in itself (中文, English, Deutsch).
    pub name: String,
    /// Open Graph locale (`de_DE`).
    pub og_locale: String,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub absolute: String,
    /// Whether it is the page being rendered.
    pub current: bool,
}

/// A headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    /// Label.
    pub label: String,
    /// Formatted figure.
    pub figure: Figure,
    /// ISO date.
    pub as_of: String,
    /// Localized date.
    pub as_of_display: String,
    /// Source.
    pub source: Option<String>,
}

/// Pipeline counts.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineView {
    /// Signed tri-party agreements.
    pub signed: Option<u32>,
    /// About to sign.
    pub to_sign: Option<u32>,
    /// Negotiating.
    pub negotiating: Option<u32>,
    /// Sum of the three.
    pub total: u32,
    /// ISO date.
    pub as_of: String,
    /// Localized date.
    pub as_of_display: String,
}

/// A transport distance.
#[derive(Debug, Clone, Serialize)]
pub struct AccessView {
    /// Destination.
    pub to: String,
    /// km, formatted.
    pub km: Option<String>,
    /// Minutes.
    pub minutes: Option<u32>,
}

/// A process step or service.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    /// 1-based position.
    pub number: usize,
    /// Title.
    pub title: String,
    /// Detail.
    pub detail: Option<String>,
}

/// A focus industry.
#[derive(Debug, Clone, Serialize)]
pub struct IndustryView {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
}

/// The zone, for the home page.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneView {
    /// Name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Focus industries.
    pub industries: Vec<IndustryView>,
    /// Headline figures.
    pub metrics: Vec<MetricView>,
    /// Pipeline.
    pub pipeline: Option<PipelineView>,
    /// Transport.
    pub access: Vec<AccessView>,
    /// Entry procedure.
    pub process: Vec<StepView>,
    /// One-stop services.
    pub services: Vec<StepView>,
    /// Map link (lat, lon) when given.
    pub location: Option<(f64, f64)>,
    /// Cover photo of the zone brochure (`[zone] cover`).
    pub cover: Option<Picture>,
}

/// A responsive image reference for templates.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// The original file, relative to content/ (print templates read it at full resolution).
    pub src: String,
    /// Root-relative URL.
    pub url: String,
    /// Alt text.
    pub alt: String,
    /// Intrinsic width when known.
    pub width: Option<u32>,
    /// Intrinsic height when known.
    pub height: Option<u32>,
    /// Responsive variants, for `srcset` (with `sizes` chosen by the template).
    pub srcset: Option<String>,
    /// The image fitted into the logo box (tenant grids).
    pub logo: Option<crate::assets::images::Variant>,
}

/// A park as a card in listings.
#[derive(Debug, Clone, Serialize)]
pub struct ParkCard {
    /// Key.
    pub key: String,
    /// URL.
    pub url: String,
    /// Name.
    pub name: String,
    /// Operator.
    pub operator: String,
    /// Positioning.
    pub positioning: String,
    /// Summary (front matter summary, else positioning).
    pub summary: String,
    /// Status code.
    pub status: &'static str,
    /// Status label.
    pub status_label: String,
    /// Industries.
    pub industries: Vec<IndustryView>,
    /// Cover.
    pub cover: Option<Picture>,
    /// Area, formatted.
    pub area: Option<Figure>,
    /// URL of the park brochure PDF in this language, when this build makes it.
    pub pdf: Option<String>,
    /// URL of the one-page flyer PDF in this language, when this build makes it.
    pub flyer: Option<String>,
    /// Number of public tenants.
    pub tenant_count: usize,
    /// Number of live policies.
    pub policy_count: usize,
}

/// A tenant as a card.
#[derive(Debug, Clone, Serialize)]
pub struct TenantCard {
    /// Key.
    pub key: String,
    /// URL.
    pub url: String,
    /// Name.
    pub name: String,
    /// Status code.
    pub status: &'static str,
    /// Status label.
    pub status_label: String,
    /// Industry.
    pub industry: Option<IndustryView>,
    /// Summary.
    pub summary: Option<String>,
    /// Logo.
    pub logo: Option<Picture>,
    /// Featured.
    pub featured: bool,
    /// Park key.
    pub park_key: String,
    /// Park name.
    pub park_name: String,
    /// Park URL.
    pub park_url: String,
}

/// A policy, with its park for cross-park listings.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    /// Anchor id.
    pub key: String,
    /// Title.
    pub title: String,
    /// Category code.
    pub category: &'static str,
    /// Category label.
    pub category_label: String,
    /// Summary.
    pub summary: String,
    /// Benefit.
    pub benefit: Option<String>,
    /// Eligibility.
    pub eligibility: Option<String>,
    /// Source document.
    pub source: Option<String>,
    /// Document number.
    pub document: Option<String>,
    /// Issuer.
    pub issuer: Option<String>,
    /// Link to the document.
    pub source_url: Option<String>,
    /// Localized start date.
    pub valid_from: Option<String>,
    /// Localized end date.
    pub valid_until: Option<String>,
    /// Park key.
    pub park_key: String,
    /// Park name.
    pub park_name: String,
    /// URL of the policy on its park page (with anchor).
    pub url: String,
    /// Industry keys of the park, space-separated, for filters.
    pub industries: String,
}

/// A factor guarantee row.
#[derive(Debug, Clone, Serialize)]
pub struct FactorView {
    /// Kind code.
    pub kind: &'static str,
    /// Label (own label, else the theme's name for the kind).
    pub label: String,
    /// Value with unit; a price the program understands in the one unit the tools show.
    pub value: Option<String>,
    /// Unit alone.
    pub unit: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Localized date.
    pub as_of: Option<String>,
}

/// A carrier row.
#[derive(Debug, Clone, Serialize)]
pub struct CarrierView {
    /// Kind code.
    pub kind: &'static str,
    /// Kind label.
    pub kind_label: String,
    /// Name.
    pub name: String,
    /// Total area.
    pub area: Option<Figure>,
    /// Available area.
    pub available: Option<Figure>,
    /// Price.
    pub price: Option<Figure>,
    /// Note.
    pub note: Option<String>,
    /// Localized date.
    pub as_of: Option<String>,
}

/// A contact.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Phone as written.
    pub phone: Option<String>,
    /// `tel:` URL.
    pub tel: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// WeChat id.
    pub wechat: Option<String>,
    /// Root-relative URL of the contact's vCard (`.vcf`), to save it to a phone's contacts.
    pub vcard: String,
}

/// A gallery image.
#[derive(Debug, Clone, Serialize)]
pub struct GalleryView {
    /// Image.
    pub image: Picture,
    /// Caption.
    pub caption: Option<String>,
}

/// A heading of a Markdown body.
pub use crate::markdown::TocEntry;

/// A park's full page.
#[derive(Debug, Clone, Serialize)]
pub struct ParkView<'a> {
    /// Card data (name, operator, positioning, status…).
    #[serde(flatten)]
    pub card: &'a ParkCard,
    /// Developer.
    pub developer: Option<String>,
    /// Highlights.
    pub highlights: Vec<String>,
    /// Live policies.
    pub policies: Vec<&'a PolicyView>,
    /// Factor guarantees.
    pub factors: Vec<FactorView>,
    /// Carriers.
    pub carriers: Vec<CarrierView>,
    /// Transport.
    pub access: Vec<AccessView>,
    /// Pipeline.
    pub pipeline: Option<PipelineView>,
    /// Contacts.
    pub contacts: Vec<ContactView>,
    /// Links to the investor tools for this park.
    pub tools: super::prices::ToolLinks,
    /// Gallery.
    pub gallery: Vec<GalleryView>,
    /// Location map.
    pub map: Option<Picture>,
    /// Featured tenants.
    pub featured_tenants: Vec<&'a TenantCard>,
    /// Other public tenants.
    pub other_tenants: Vec<&'a TenantCard>,
    /// Narrative HTML.
    pub body: String,
    /// Headings of the narrative.
    pub toc: Vec<TocEntry>,
}

/// A tenant's page.
#[derive(Debug, Clone, Serialize)]
pub struct TenantView<'a> {
    /// Card data.
    #[serde(flatten)]
    pub card: &'a TenantCard,
    /// Website.
    pub website: Option<String>,
    /// Localized date.
    pub since: Option<String>,
    /// Body HTML.
    pub body: String,
    /// Headings.
    pub toc: Vec<TocEntry>,
}

/// A news item as a card.
#[derive(Debug, Clone, Serialize)]
pub struct NewsCard {
    /// Slug.
    pub key: String,
    /// URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// ISO date.
    pub date: String,
    /// Localized date.
    pub date_display: String,
    /// Summary.
    pub summary: Option<String>,
    /// Cover.
    pub cover: Option<Picture>,
    /// Parks it concerns.
    pub parks: Vec<Link>,
    /// Source name.
    pub source: Option<String>,
    /// Source link.
    pub source_url: Option<String>,
}

/// A news item's page.
#[derive(Debug, Clone, Serialize)]
pub struct NewsView<'a> {
    /// Card data.
    #[serde(flatten)]
    pub card: &'a NewsCard,
    /// Body HTML.
    pub body: String,
    /// Headings.
    pub toc: Vec<TocEntry>,
}

/// A free page.
#[derive(Debug, Clone, Serialize)]
pub struct FreePageView {
    /// Slug.
    pub key: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Body HTML.
    pub body: String,
    /// Headings.
    pub toc: Vec<TocEntry>,
}

/// Filter options of the policies list.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOption {
    /// Value matched against data attributes.
    pub value: String,
    /// Label.
    pub label: String,
}

impl From<&IndustryView> for FilterOption {
    /// An industry as a filter choice: its key matched, its name shown (policies list, finder).
    fn from(industry: &IndustryView) -> Self {
        FilterOption {
            value: industry.key.clone(),
            label: industry.name.clone(),
        }
    }
}
