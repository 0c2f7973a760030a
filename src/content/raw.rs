//! What the content files say, field for field: serde structs with `deny_unknown_fields`, so a typo
//! is an error pointing at its line. Nothing here is checked against anything else; `model` does that.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

use crate::markdown::RawHtml;

/// Human-readable text: the same in every language, or a table keyed by language code.
#[derive(Debug, Clone, PartialEq)]
pub enum RawText {
    /// One string for all languages.
    Plain(String),
    /// `{ zh = "…", en = "…" }`.
    Table(BTreeMap<String, String>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = RawText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text: a string, or a table of languages like { zh = \"…\", en = \"…\" }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
        Ok(RawText::Plain(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawText, E> {
        Ok(RawText::Plain(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
        let mut table = BTreeMap::new();
        while let Some((lang, text)) = map.next_entry::<String, String>()? {
            table.insert(lang, text);
        }
        Ok(RawText::Table(table))
    }
}

/// A factor's value: a number, or text.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// A figure such as `0.62`.
    Number(f64),
    /// Text such as `全覆盖`, plain or localized.
    Text(RawText),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, or text (a string or a table of languages)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Text(RawText::Plain(v.to_owned())))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawValue, A::Error> {
        TextVisitor.visit_map(map).map(RawValue::Text)
    }
}

/// A calendar date written as a TOML date (`2020-05-29`), never with a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawDate(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        let date = match (value.date, value.time) {
            (Some(date), None) => date,
            _ => {
                return Err(de::Error::custom(format!(
                    "expected a date like 2020-05-29, found `{value}`"
                )));
            }
        };
        chrono::NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .map(RawDate)
        .ok_or_else(|| de::Error::custom(format!("`{value}` is not a valid date")))
    }
}

/// A number with a unit, e.g. `{ value = 800, unit = { zh = "亩", en = "mu" } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuantity {
    /// The figure.
    pub value: f64,
    /// Money unit code or localized unit text.
    pub unit: Option<RawText>,
}

/// `content/site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSiteConfig {
    /// Absolute URL the site is published at.
    pub base_url: Spanned<String>,
    /// Language codes; the first is the default.
    pub languages: Spanned<Vec<String>>,
    /// Theme name.
    pub theme: Option<Spanned<String>>,
    /// Site title.
    pub title: Spanned<RawText>,
    /// Site description.
    pub description: Option<Spanned<RawText>>,
    /// Banner on every page (sample data, maintenance…).
    pub notice: Option<Spanned<RawText>>,
    /// Age in months after which dated figures are reported as stale.
    pub stale_after_months: Option<u32>,
    /// Markdown options.
    #[serde(default)]
    pub markdown: RawMarkdownConfig,
    /// BCP 47 tag per language code.
    #[serde(default)]
    pub language_tags: BTreeMap<String, Spanned<String>>,
    /// Where the enquiry form sends what visitors write.
    pub enquiry: Option<Spanned<RawEnquiry>>,
    /// The zone itself.
    pub zone: RawZone,
    /// Defaults for `parkpress deploy`.
    pub deploy: Option<RawDeployConfig>,
    /// Search engines the site is registered with.
    pub search_engines: Option<RawSearchEngines>,
}

/// `[search_engines]` in site.toml: the site verification code each search engine's webmaster
/// tools give (the `content` of the meta tag they ask for).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearchEngines {
    /// Baidu (百度搜索资源平台): `baidu-site-verification`.
    pub baidu: Option<Spanned<String>>,
    /// Bing Webmaster Tools: `msvalidate.01`.
    pub bing: Option<Spanned<String>>,
    /// Sogou (搜狗站长平台): `sogou_site_verification`.
    pub sogou: Option<Spanned<String>>,
    /// 360 Search (360站长平台): `360-site-verification`.
    pub so360: Option<Spanned<String>>,
}

/// `[deploy]` in site.toml: defaults for `parkpress deploy` (flags win; never credentials).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeployConfig {
    /// `s3://BUCKET[/PREFIX]` or `file:///PATH`.
    pub to: Option<Spanned<String>>,
    /// The S3-compatible service's endpoint URL.
    pub endpoint: Option<Spanned<String>>,
    /// Its region.
    pub region: Option<String>,
    /// Address the bucket in the path rather than the host name.
    pub path_style: Option<bool>,
    /// Submit added and changed pages to Baidu after a deploy (token: `BAIDU_PUSH_TOKEN`).
    pub baidu_push: Option<bool>,
}

/// `[enquiry]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnquiry {
    /// The form service the zone runs (receives an `application/x-www-form-urlencoded` POST).
    pub endpoint: Option<Spanned<String>>,
    /// Where the mailto fallback writes to (default: the zone's email).
    pub email: Option<Spanned<String>>,
}

/// `[markdown]` in site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarkdownConfig {
    /// What to do with raw HTML in Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// Whether Markdown may show images from other hosts (`"error"`, the default, or `"allow"`).
    #[serde(default)]
    pub external_images: crate::markdown::ExternalImages,
}

/// `[zone]` in site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    /// Zone name.
    pub name: Spanned<RawText>,
    /// Where the zone is.
    pub region: Option<Spanned<RawText>>,
    /// Short description.
    pub summary: Option<Spanned<RawText>>,
    /// Postal address.
    pub address: Option<Spanned<RawText>>,
    /// Investment hotline.
    pub hotline: Option<String>,
    /// Contact email.
    pub email: Option<String>,
    /// WeChat official account name.
    pub wechat: Option<String>,
    /// Its QR code image, relative to content/.
    pub wechat_qr: Option<Spanned<String>>,
    /// 网站标识码.
    pub site_code: Option<String>,
    /// 主办单位: the body that runs the site (government site footer).
    pub sponsor: Option<Spanned<RawText>>,
    /// 承办单位: the office that maintains it.
    pub organizer: Option<Spanned<RawText>>,
    /// Coordinates.
    pub location: Option<RawLocation>,
    /// ICP filing number.
    pub icp: Option<String>,
    /// Public security filing number.
    pub police_record: Option<String>,
    /// Fallback share image, relative to content/.
    pub share_image: Option<Spanned<String>>,
    /// Cover photo of the zone brochure, relative to content/.
    pub cover: Option<Spanned<String>>,
    /// Focus industries.
    #[serde(default)]
    pub industries: Vec<RawIndustry>,
    /// Headline figures.
    #[serde(default)]
    pub metrics: Vec<RawMetric>,
    /// Zone-wide pipeline.
    pub pipeline: Option<RawPipeline>,
    /// Transport distances.
    #[serde(default)]
    pub access: Vec<RawAccess>,
    /// Entry procedure steps.
    #[serde(default)]
    pub process: Vec<RawStep>,
    /// One-stop services.
    #[serde(default)]
    pub services: Vec<RawStep>,
}

/// Latitude and longitude.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// `[[zone.industries]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndustry {
    /// Key used by parks and tenants.
    pub key: Spanned<String>,
    /// Display name.
    pub name: Spanned<RawText>,
}

/// `[[zone.metrics]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    /// What the figure is.
    pub label: Spanned<RawText>,
    /// The figure.
    pub value: f64,
    /// Money unit code or localized unit text.
    pub unit: Option<RawText>,
    /// Date of the figure.
    pub as_of: Spanned<RawDate>,
    /// Where it comes from.
    pub source: Option<Spanned<RawText>>,
}

/// Project pipeline counts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPipeline {
    /// Tri-party agreements signed.
    pub signed: Option<u32>,
    /// About to sign.
    pub to_sign: Option<u32>,
    /// Under negotiation.
    pub negotiating: Option<u32>,
    /// Date of the counts.
    pub as_of: Spanned<RawDate>,
}

/// A transport distance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccess {
    /// Destination.
    pub to: Spanned<RawText>,
    /// Distance in km.
    pub km: Option<f64>,
    /// Travel time in minutes.
    pub minutes: Option<u32>,
}

/// A step of the entry process or a service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// Short title.
    pub title: Spanned<RawText>,
    /// Explanation.
    pub detail: Option<Spanned<RawText>>,
}

/// `content/parks/<park>/park.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPark {
    /// Park name.
    pub name: Spanned<RawText>,
    /// Operating company.
    pub operator: Spanned<RawText>,
    /// Developer.
    pub developer: Option<Spanned<RawText>>,
    /// Industrial positioning.
    pub positioning: Spanned<RawText>,
    /// Keys of zone industries.
    #[serde(default)]
    pub industries: Vec<Spanned<String>>,
    /// operating | building | planning.
    pub status: Option<ParkStatus>,
    /// Position in listings.
    pub order: Option<i64>,
    /// Cover image relative to the park folder.
    pub cover: Option<Spanned<String>>,
    /// Area.
    pub area: Option<RawQuantity>,
    /// Selling points.
    #[serde(default)]
    pub highlights: Vec<Spanned<RawText>>,
    /// Photos with captions.
    #[serde(default)]
    pub gallery: Vec<RawGalleryItem>,
    /// Location map image.
    pub map: Option<Spanned<String>>,
    /// Earlier keys.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
    /// Preferential policies.
    #[serde(default)]
    pub policies: Vec<RawPolicy>,
    /// Factor guarantees.
    #[serde(default)]
    pub factors: Vec<RawFactor>,
    /// Pipeline counts.
    pub pipeline: Option<RawPipeline>,
    /// Space to move into.
    #[serde(default)]
    pub carriers: Vec<RawCarrier>,
    /// Transport distances.
    #[serde(default)]
    pub access: Vec<RawAccess>,
    /// People to call.
    #[serde(default)]
    pub contacts: Vec<RawContact>,
}

/// Build state of a park.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParkStatus {
    /// Running with tenants.
    #[default]
    Operating,
    /// Under construction.
    Building,
    /// Planned.
    Planning,
}

/// A gallery photo.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGalleryItem {
    /// Image path relative to the park folder.
    pub src: Spanned<String>,
    /// Caption.
    pub caption: Option<Spanned<RawText>>,
}

/// `[[policies]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// Stable anchor id.
    pub key: Option<Spanned<String>>,
    /// Title.
    pub title: Spanned<RawText>,
    /// tax | rent | land | talent | finance | equipment | other.
    pub category: Option<PolicyCategory>,
    /// Summary.
    pub summary: Spanned<RawText>,
    /// What the company gets.
    pub benefit: Option<Spanned<RawText>>,
    /// Who qualifies.
    pub eligibility: Option<Spanned<RawText>>,
    /// Source document name.
    pub source: Option<Spanned<RawText>>,
    /// Document number (文号).
    pub document: Option<String>,
    /// Issuing authority.
    pub issuer: Option<Spanned<RawText>>,
    /// Link to the document.
    pub source_url: Option<Spanned<String>>,
    /// First day in force.
    pub valid_from: Option<Spanned<RawDate>>,
    /// Last day in force.
    pub valid_until: Option<Spanned<RawDate>>,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
    /// Structured eligibility the policy finder matches on.
    pub eligible: Option<Spanned<RawEligible>>,
}

/// `eligible = { industries = […], company = […], min_investment = {…} }` of a policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEligible {
    /// Zone industry keys; empty: any industry.
    #[serde(default)]
    pub industries: Vec<Spanned<String>>,
    /// Which companies qualify; empty: any.
    #[serde(default)]
    pub company: Vec<Company>,
    /// The smallest planned investment that qualifies, a money amount.
    pub min_investment: Option<Spanned<RawQuantity>>,
}

/// Whether a company is new to the zone or already in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Company {
    /// A new investment.
    New,
    /// A company already in the zone.
    Existing,
}

impl Company {
    /// Every value, in the order forms list them.
    pub const ALL: [Company; 2] = [Company::New, Company::Existing];

    /// The code written in content and query strings.
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Existing => "existing",
        }
    }
}

/// Policy categories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyCategory {
    /// Tax.
    Tax,
    /// Rent.
    Rent,
    /// Land.
    Land,
    /// Talent.
    Talent,
    /// Finance.
    Finance,
    /// Equipment.
    Equipment,
    /// Anything else.
    #[default]
    Other,
}

/// `[[factors]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFactor {
    /// What kind of factor.
    pub kind: FactorKind,
    /// Label overriding the theme's name for the kind.
    pub label: Option<Spanned<RawText>>,
    /// Figure or text.
    pub value: Option<Spanned<RawValue>>,
    /// Unit.
    pub unit: Option<Spanned<RawText>>,
    /// Remark.
    pub note: Option<Spanned<RawText>>,
    /// Date of the figure.
    pub as_of: Option<Spanned<RawDate>>,
    /// Not published (an imported row not yet reviewed).
    #[serde(default)]
    pub draft: bool,
}

/// Factor kinds (要素).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum FactorKind {
    Land,
    Electricity,
    Water,
    Gas,
    Steam,
    Heating,
    Sewage,
    Broadband,
    Logistics,
    Talent,
    Housing,
    Finance,
    Other,
}

/// `[[carriers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCarrier {
    /// Kind of space.
    pub kind: CarrierKind,
    /// Name.
    pub name: Spanned<RawText>,
    /// Total area.
    pub area: Option<RawQuantity>,
    /// Available area.
    pub available: Option<RawQuantity>,
    /// Price.
    pub price: Option<Spanned<RawQuantity>>,
    /// Remark.
    pub note: Option<Spanned<RawText>>,
    /// Date of the figures.
    pub as_of: Option<Spanned<RawDate>>,
}

/// Carrier kinds (载体).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum CarrierKind {
    Land,
    Factory,
    Office,
    Warehouse,
    Lab,
    Apartment,
}

/// `[[contacts]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// Name.
    pub name: Spanned<RawText>,
    /// Role.
    pub role: Option<Spanned<RawText>>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// WeChat id.
    pub wechat: Option<String>,
}

/// Front matter of a tenant file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTenant {
    /// Company name.
    pub name: Spanned<RawText>,
    /// settled | signed | reserve | negotiating.
    pub status: Option<TenantStatus>,
    /// Industry key.
    pub industry: Option<Spanned<String>>,
    /// Summary.
    pub summary: Option<Spanned<RawText>>,
    /// Logo relative to the file.
    pub logo: Option<Spanned<String>>,
    /// Company website.
    pub website: Option<Spanned<String>>,
    /// Since when.
    pub since: Option<Spanned<RawDate>>,
    /// Shown on the park page and in print.
    #[serde(default)]
    pub featured: bool,
    /// Whether it may be named in public.
    pub public: Option<bool>,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
}

/// Tenant status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantStatus {
    /// Moved in.
    #[default]
    Settled,
    /// Agreement signed.
    Signed,
    /// Reserve project.
    Reserve,
    /// Under negotiation (confidential by default).
    Negotiating,
}

/// Front matter of a news item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNews {
    /// Headline.
    pub title: Spanned<RawText>,
    /// Publication date.
    pub date: Spanned<RawDate>,
    /// Summary.
    pub summary: Option<Spanned<RawText>>,
    /// Cover image relative to the file.
    pub cover: Option<Spanned<String>>,
    /// Parks it concerns.
    #[serde(default)]
    pub parks: Vec<Spanned<String>>,
    /// Where it was first published.
    pub source: Option<RawNewsSource>,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
}

/// Source of a news item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNewsSource {
    /// Publication name.
    pub name: Spanned<RawText>,
    /// Link to the original.
    pub url: Option<Spanned<String>>,
}

/// Front matter of a free page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    /// Title.
    pub title: Spanned<RawText>,
    /// Summary.
    pub summary: Option<Spanned<RawText>>,
    /// Position in the menu.
    pub order: Option<i64>,
    /// Shown in the main menu.
    #[serde(default)]
    pub menu: bool,
    /// Not published.
    #[serde(default)]
    pub draft: bool,
}

/// Optional front matter of a park's `index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParkIndex {
    /// Summary used on cards and in meta descriptions.
    pub summary: Option<Spanned<RawText>>,
}

/// `content/audiences.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudiences {
    /// The audiences.
    #[serde(default)]
    pub audience: Vec<RawAudience>,
}

/// One audience links are sent to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudience {
    /// Key (utm_source).
    pub key: Spanned<String>,
    /// Name.
    pub name: Spanned<RawText>,
    /// chamber | expo | association | investor | media.
    pub kind: Option<AudienceKind>,
    /// wechat | email | sms | print.
    pub channel: Option<Channel>,
    /// Language its links open in.
    pub language: Option<Spanned<String>>,
    /// utm_campaign.
    pub campaign: Option<String>,
}

/// Kinds of audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum AudienceKind {
    Chamber,
    Expo,
    Association,
    Investor,
    Media,
}

/// Channels links travel through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Channel {
    #[default]
    Wechat,
    Email,
    Sms,
    Print,
}
use super::codes::codes;

codes!(ParkStatus { Operating => "operating", Building => "building", Planning => "planning" });
codes!(PolicyCategory {
    Tax => "tax",
    Rent => "rent",
    Land => "land",
    Talent => "talent",
    Finance => "finance",
    Equipment => "equipment",
    Other => "other",
});
codes!(FactorKind {
    Land => "land",
    Electricity => "electricity",
    Water => "water",
    Gas => "gas",
    Steam => "steam",
    Heating => "heating",
    Sewage => "sewage",
    Broadband => "broadband",
    Logistics => "logistics",
    Talent => "talent",
    Housing => "housing",
    Finance => "finance",
    Other => "other",
});
codes!(CarrierKind {
    Land => "land",
    Factory => "factory",
    Office => "office",
    Warehouse => "warehouse",
    Lab => "lab",
    Apartment => "apartment",
});
codes!(TenantStatus { Settled => "settled", Signed => "signed", Reserve => "reserve", Negotiating => "negotiating" });
codes!(AudienceKind {
    Chamber => "chamber",
    Expo => "expo",
    Association => "association",
    Investor => "investor",
    Media => "media",
});
codes!(Channel { Wechat => "wechat", Email => "email", Sms => "sms", Print => "print" });
