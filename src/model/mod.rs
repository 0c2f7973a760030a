//! The domain, resolved: references checked, defaults filled and every text available in every
//! language, so renderers never guess. Built from `content::LoadedContent` by [`resolve`].

mod resolve;
mod text;
pub mod units;

pub use crate::content::raw::{
    AudienceKind, CarrierKind, Channel, Company, FactorKind, ParkStatus, PolicyCategory,
    TenantStatus,
};
pub use resolve::{RESERVED, ResolveOptions, join_content_path, resolve};
pub use text::{Coverage, MissingTranslation, Text, TranslationReport};

use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::SourceFile;
use crate::markdown::RawHtml;

/// Where a value was written: a file and a byte offset in it, so checks on the resolved model can
/// still point at the line.
#[derive(Debug, Clone)]
pub struct Pos {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte offset in the file.
    pub offset: usize,
}

impl Pos {
    /// Places a diagnostic at this position.
    pub fn place(
        &self,
        diagnostic: crate::diagnostics::Diagnostic,
    ) -> crate::diagnostics::Diagnostic {
        diagnostic.at(&self.file, self.offset)
    }
}

/// A site language.
#[derive(Debug, Clone)]
pub struct Language {
    /// Code as used in content (`zh`).
    pub code: String,
    /// BCP 47 tag for `<html lang>` (`zh-CN`).
    pub tag: String,
}

/// The whole site.
#[derive(Debug)]
pub struct Site {
    /// Folder holding `content/` and `themes/`.
    pub root: PathBuf,
    /// Languages, default first.
    pub languages: Vec<Language>,
    /// Where the site is published, e.g. `https://invest.example.gov.cn/invest`.
    pub base_url: String,
    /// Theme name.
    pub theme: String,
    /// Where `theme` is set in site.toml.
    pub theme_pos: Option<Pos>,
    /// Site title.
    pub title: Text,
    /// Site description.
    pub description: Option<Text>,
    /// Banner shown on every page.
    pub notice: Option<Text>,
    /// Age after which dated figures are stale.
    pub stale_after_months: u32,
    /// Raw HTML handling in Markdown.
    pub raw_html: RawHtml,
    /// Whether Markdown may show images from other hosts.
    pub external_images: crate::markdown::ExternalImages,
    /// The zone.
    pub zone: Zone,
    /// Parks in listing order (drafts only with `--drafts`).
    pub parks: Vec<Park>,
    /// News, newest first.
    pub news: Vec<News>,
    /// Free pages in menu order.
    pub pages: Vec<Page>,
    /// Audiences links are sent to.
    pub audiences: Vec<Audience>,
    /// Where the enquiry form sends.
    pub enquiry: Enquiry,
    /// `[search_engines]`, when the site has the section.
    pub search_engines: Option<SearchEngines>,
    /// Asset files under content/, content-relative.
    pub assets: BTreeSet<String>,
    /// Park folders whose park.toml did not load (already reported): links to them are not
    /// reported again.
    pub unloaded_parks: BTreeSet<String>,
    /// The date the build is judged at.
    pub build_date: NaiveDate,
    /// Translation coverage.
    pub translation: TranslationReport,
    /// Drafts (parks, policies, tenants, news, pages) left out of this build: `build` and `serve`
    /// say so.
    pub drafts_left_out: usize,
}

impl Site {
    /// The default language code.
    pub fn default_lang(&self) -> &str {
        &self.languages[0].code
    }

    /// Looks up a park by key.
    pub fn park(&self, key: &str) -> Option<&Park> {
        self.parks.iter().find(|p| p.key == key)
    }

    /// Looks up an industry's name.
    pub fn industry(&self, key: &str) -> Option<&Industry> {
        self.zone.industries.iter().find(|i| i.key == key)
    }
}

/// Where the enquiry form sends what a visitor writes (`[enquiry]` in site.toml).
#[derive(Debug, Clone, Default)]
pub struct Enquiry {
    /// The zone's form service; without one the form opens a pre-filled email.
    pub endpoint: Option<String>,
    /// The address the email goes to: `[enquiry] email`, else the zone's.
    pub email: Option<String>,
}

/// The search engines a site is registered with (`[search_engines]` in site.toml). With the
/// section, pages also ask Baidu not to re-wrap them on phones.
#[derive(Debug, Clone, Default)]
pub struct SearchEngines {
    /// Site verification meta tags for the home page: (meta name, code), codes already checked
    /// to be plain tokens.
    pub verifications: Vec<(&'static str, String)>,
}

/// The development zone.
#[derive(Debug)]
pub struct Zone {
    /// Name.
    pub name: Text,
    /// Region.
    pub region: Option<Text>,
    /// Summary.
    pub summary: Option<Text>,
    /// Address.
    pub address: Option<Text>,
    /// Hotline.
    pub hotline: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// WeChat official account name.
    pub wechat: Option<String>,
    /// WeChat QR image.
    pub wechat_qr: Option<Asset>,
    /// Government site code.
    pub site_code: Option<String>,
    /// 主办单位: the body that runs the site.
    pub sponsor: Option<Text>,
    /// 承办单位: the office that maintains it.
    pub organizer: Option<Text>,
    /// Coordinates (lat, lon).
    pub location: Option<(f64, f64)>,
    /// ICP filing.
    pub icp: Option<String>,
    /// Public security filing.
    pub police_record: Option<String>,
    /// Fallback share image.
    pub share_image: Option<Asset>,
    /// Cover photo of the zone brochure.
    pub cover: Option<Asset>,
    /// Focus industries.
    pub industries: Vec<Industry>,
    /// Headline figures.
    pub metrics: Vec<Metric>,
    /// Zone pipeline.
    pub pipeline: Option<Pipeline>,
    /// Transport.
    pub access: Vec<Access>,
    /// Entry procedure.
    pub process: Vec<Step>,
    /// One-stop services.
    pub services: Vec<Step>,
}

/// A focus industry.
#[derive(Debug)]
pub struct Industry {
    /// Key.
    pub key: String,
    /// Name.
    pub name: Text,
}

/// How a figure's unit is shown.
#[derive(Debug, Clone)]
pub enum Unit {
    /// No unit.
    None,
    /// Money in a scale each language shows its own way.
    Money(MoneyUnit),
    /// Localized unit text shown beside the number.
    Text(Text),
}

/// Chinese money scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 元.
    Yuan,
    /// 万元 (10⁴ yuan).
    WanYuan,
    /// 亿元 (10⁸ yuan).
    YiYuan,
}

impl MoneyUnit {
    /// Parses a money unit code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "yuan" => Some(Self::Yuan),
            "wan-yuan" => Some(Self::WanYuan),
            "yi-yuan" => Some(Self::YiYuan),
            _ => None,
        }
    }

    /// Yuan in one of this unit.
    pub fn yuan(self) -> f64 {
        match self {
            Self::Yuan => 1.0,
            Self::WanYuan => 1e4,
            Self::YiYuan => 1e8,
        }
    }
}

/// A number with its unit.
#[derive(Debug, Clone)]
pub struct Quantity {
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
}

/// A headline figure.
#[derive(Debug)]
pub struct Metric {
    /// Label.
    pub label: Text,
    /// Figure.
    pub quantity: Quantity,
    /// Date.
    pub as_of: NaiveDate,
    /// Where the date is written.
    pub as_of_pos: Pos,
    /// Source.
    pub source: Option<Text>,
}

/// Pipeline counts.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Signed tri-party agreements.
    pub signed: Option<u32>,
    /// About to sign.
    pub to_sign: Option<u32>,
    /// Negotiating.
    pub negotiating: Option<u32>,
    /// Date.
    pub as_of: NaiveDate,
    /// Where the date is written.
    pub as_of_pos: Pos,
}

/// A transport distance.
#[derive(Debug)]
pub struct Access {
    /// Destination.
    pub to: Text,
    /// km.
    pub km: Option<f64>,
    /// Minutes.
    pub minutes: Option<u32>,
}

/// A process step or service.
#[derive(Debug)]
pub struct Step {
    /// Title.
    pub title: Text,
    /// Detail.
    pub detail: Option<Text>,
}

/// A file under content/, by its content-relative path.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to content/, `/`-separated.
    pub path: String,
    /// Where it is referenced.
    pub pos: Pos,
}

/// A Markdown body and its translations.
#[derive(Debug, Clone)]
pub struct Body {
    /// Folder of the file relative to content/.
    pub dir: String,
    /// Source per language that has a file (the default language always has one).
    pub sources: Vec<BodySource>,
}

/// One Markdown file's body.
#[derive(Debug, Clone)]
pub struct BodySource {
    /// Language of this file.
    pub lang: String,
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte offset where the body starts.
    pub start: usize,
    /// Line where the body starts.
    pub first_line: usize,
}

impl BodySource {
    /// The Markdown text.
    pub fn text(&self) -> &str {
        self.file.text.get(self.start..).unwrap_or("")
    }
}

impl Body {
    /// The source for `lang`, falling back to the default language.
    pub fn source(&self, lang: &str) -> Option<&BodySource> {
        self.sources
            .iter()
            .find(|s| s.lang == lang)
            .or(self.sources.first())
    }
}

/// A park within the zone (区中园).
#[derive(Debug)]
pub struct Park {
    /// Folder key.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Operator (运营商).
    pub operator: Text,
    /// Developer (开发建设方).
    pub developer: Option<Text>,
    /// Positioning (产业定位).
    pub positioning: Text,
    /// Summary from index.md front matter.
    pub summary: Option<Text>,
    /// Industry keys.
    pub industries: Vec<String>,
    /// Status.
    pub status: ParkStatus,
    /// Listing order.
    pub order: i64,
    /// Cover image.
    pub cover: Option<Asset>,
    /// Area.
    pub area: Option<Quantity>,
    /// Highlights.
    pub highlights: Vec<Text>,
    /// Gallery.
    pub gallery: Vec<GalleryItem>,
    /// Location map.
    pub map: Option<Asset>,
    /// Earlier keys.
    pub aliases: Vec<String>,
    /// Draft.
    pub draft: bool,
    /// Policies (including expired and drafts; see [`Policy::is_live`]).
    pub policies: Vec<Policy>,
    /// Factor guarantees.
    pub factors: Vec<Factor>,
    /// Pipeline.
    pub pipeline: Option<Pipeline>,
    /// Carriers.
    pub carriers: Vec<Carrier>,
    /// Transport.
    pub access: Vec<Access>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Narrative.
    pub body: Option<Body>,
    /// Tenants that may be shown (public, not draft unless `--drafts`).
    pub tenants: Vec<Tenant>,
}

/// A gallery image.
#[derive(Debug)]
pub struct GalleryItem {
    /// Image.
    pub image: Asset,
    /// Caption.
    pub caption: Option<Text>,
}

/// A preferential policy (优惠政策).
#[derive(Debug)]
pub struct Policy {
    /// Anchor id.
    pub key: String,
    /// Title.
    pub title: Text,
    /// Category.
    pub category: PolicyCategory,
    /// Summary.
    pub summary: Text,
    /// Benefit.
    pub benefit: Option<Text>,
    /// Eligibility.
    pub eligibility: Option<Text>,
    /// Source document.
    pub source: Option<Text>,
    /// Document number.
    pub document: Option<String>,
    /// Issuer.
    pub issuer: Option<Text>,
    /// Link.
    pub source_url: Option<String>,
    /// In force from.
    pub valid_from: Option<NaiveDate>,
    /// In force until.
    pub valid_until: Option<NaiveDate>,
    /// Where `valid_until` is written.
    pub valid_until_pos: Option<Pos>,
    /// Draft.
    pub draft: bool,
    /// Structured eligibility for the policy finder; `None`: read the conditions.
    pub eligible: Option<Eligible>,
}

/// Who a policy is for, as the policy finder matches it.
#[derive(Debug, Clone, Default)]
pub struct Eligible {
    /// Zone industry keys; empty: any industry.
    pub industries: Vec<String>,
    /// Which companies; empty: any.
    pub company: Vec<Company>,
    /// The smallest planned investment, in plain yuan.
    pub min_investment_yuan: Option<f64>,
    /// The same amount as written (shown in its money scale).
    pub min_investment: Option<Quantity>,
}

impl Policy {
    /// Whether the policy is shown on `date`: not expired, and not a draft unless drafts are shown.
    pub fn is_live(&self, date: NaiveDate, drafts: bool) -> bool {
        (drafts || !self.draft) && self.valid_until.is_none_or(|until| until >= date)
    }
}

/// A factor guarantee (要素保障).
#[derive(Debug)]
pub struct Factor {
    /// Kind.
    pub kind: FactorKind,
    /// Label.
    pub label: Option<Text>,
    /// Value.
    pub value: Option<FactorValue>,
    /// Unit.
    pub unit: Option<Text>,
    /// The figure as a price the tools can add up, when the kind is priced and the unit is
    /// understood (see [`units`]).
    pub price: Option<units::Price>,
    /// Note.
    pub note: Option<Text>,
    /// Date.
    pub as_of: Option<NaiveDate>,
    /// Where the date is written.
    pub as_of_pos: Option<Pos>,
}

/// A factor's value.
#[derive(Debug)]
pub enum FactorValue {
    /// A figure.
    Number(f64),
    /// Text.
    Text(Text),
}

/// A carrier (载体).
#[derive(Debug)]
pub struct Carrier {
    /// Kind.
    pub kind: CarrierKind,
    /// Name.
    pub name: Text,
    /// Total area.
    pub area: Option<Quantity>,
    /// Available area.
    pub available: Option<Quantity>,
    /// Price.
    pub price: Option<Quantity>,
    /// Where the price is written.
    pub price_pos: Option<Pos>,
    /// The price in plain yuan per m²·month (or per mu for land), when its unit is understood.
    pub unit_price: Option<units::Price>,
    /// Free area in m², when its unit is an area.
    pub available_m2: Option<f64>,
    /// Note.
    pub note: Option<Text>,
    /// Date.
    pub as_of: Option<NaiveDate>,
    /// Where the date is written.
    pub as_of_pos: Option<Pos>,
}

/// A contact person.
#[derive(Debug)]
pub struct Contact {
    /// Name.
    pub name: Text,
    /// Role.
    pub role: Option<Text>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// WeChat.
    pub wechat: Option<String>,
}

/// A showcase tenant.
#[derive(Debug)]
pub struct Tenant {
    /// File key.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Status.
    pub status: TenantStatus,
    /// Industry key.
    pub industry: Option<String>,
    /// Summary.
    pub summary: Option<Text>,
    /// Logo.
    pub logo: Option<Asset>,
    /// Website.
    pub website: Option<String>,
    /// Since.
    pub since: Option<NaiveDate>,
    /// Featured.
    pub featured: bool,
    /// Body.
    pub body: Body,
}

/// A news item.
#[derive(Debug)]
pub struct News {
    /// Slug.
    pub key: String,
    /// Title.
    pub title: Text,
    /// Date.
    pub date: NaiveDate,
    /// Summary.
    pub summary: Option<Text>,
    /// Cover.
    pub cover: Option<Asset>,
    /// Park keys.
    pub parks: Vec<String>,
    /// Source name and link.
    pub source: Option<(Text, Option<String>)>,
    /// Body.
    pub body: Body,
}

/// A free page.
#[derive(Debug)]
pub struct Page {
    /// Slug.
    pub key: String,
    /// Title.
    pub title: Text,
    /// Summary.
    pub summary: Option<Text>,
    /// Menu order.
    pub order: i64,
    /// In the menu.
    pub menu: bool,
    /// Body.
    pub body: Body,
}

/// An audience links are sent to.
#[derive(Debug)]
pub struct Audience {
    /// Key.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Kind.
    pub kind: Option<AudienceKind>,
    /// Channel.
    pub channel: Channel,
    /// Language.
    pub language: String,
    /// Campaign.
    pub campaign: Option<String>,
}
