//! `parkpress new park|tenant|news|page`: a valid file to fill in, with every field present and
//! explained in Chinese and English (optional fields commented out), and a translation file for
//! each other site language. New items are drafts, so placeholder text is never published by
//! accident.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

use super::{NewFile, SiteInfo, check_key, check_not_reserved, write_files};

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewItem {
    /// `content/parks/<key>/park.toml` and its `index.md`.
    Park(String),
    /// `content/parks/<park>/tenants/<key>.md`.
    Tenant {
        /// The park, which must exist.
        park: String,
        /// The tenant's key.
        key: String,
    },
    /// `content/news/<slug>.md`.
    News(String),
    /// `content/pages/<slug>.md`.
    Page(String),
}

impl NewItem {
    /// Parses the `PARK/KEY` argument of `new tenant`.
    pub fn tenant(arg: &str) -> anyhow::Result<Self> {
        let Some((park, key)) = arg.split_once('/') else {
            anyhow::bail!(
                "`{arg}` does not name a park and a tenant\n  = help: write PARK/KEY, e.g. \
                 `parkpress new tenant data-lake/huawei-cloud`"
            );
        };
        Ok(Self::Tenant {
            park: park.to_owned(),
            key: key.to_owned(),
        })
    }
}

/// Creates the files of `item` under `root` and returns their paths. Refuses to replace an
/// existing file unless `force`; `today` dates news items.
pub fn create(
    root: &Path,
    item: &NewItem,
    force: bool,
    today: NaiveDate,
) -> anyhow::Result<Vec<PathBuf>> {
    let info = SiteInfo::read(root)?;
    let content = root.join("content");
    let t = Texts { info: &info };
    let files = match item {
        NewItem::Park(key) => {
            check_key("park", key)?;
            check_not_reserved("park", key, &info.languages)?;
            let dir = content.join("parks").join(key);
            let mut files = vec![NewFile {
                path: dir.join("park.toml"),
                text: t.park(key),
            }];
            files.extend(t.documents(
                &dir,
                "index",
                &format!(
                    "+++\nsummary = {}   # 一句话简介，用于园区卡片 / one line for park cards\n+++\n",
                    t.loc("园区简介", "About the park")
                ),
                ("园区介绍正文。", "About the park, in English."),
            ));
            files
        }
        NewItem::Tenant { park, key } => {
            check_key("park", park)?;
            check_key("tenant", key)?;
            let park_dir = content.join("parks").join(park);
            if !park_dir.join("park.toml").is_file() {
                anyhow::bail!(
                    "there is no park `{park}` (no `content/parks/{park}/park.toml`)\n  = help: \
                     known parks: {}; or create it first with `parkpress new park {park}`",
                    super::known_parks(&content).join(", ")
                );
            }
            t.documents(
                &park_dir.join("tenants"),
                key,
                &t.tenant(),
                ("企业介绍正文。", "About the company, in English."),
            )
        }
        NewItem::News(slug) => {
            check_key("news", slug)?;
            t.documents(
                &content.join("news"),
                slug,
                &t.news(today),
                ("新闻正文。", "The news, in English."),
            )
        }
        NewItem::Page(slug) => {
            check_key("page", slug)?;
            check_not_reserved("page", slug, &info.languages)?;
            t.documents(
                &content.join("pages"),
                slug,
                &t.page(),
                ("页面正文。", "The page, in English."),
            )
        }
    };
    write_files(&files, force)?;
    Ok(files.into_iter().map(|f| f.path).collect())
}

/// Placeholder text in the site's languages.
struct Texts<'a> {
    info: &'a SiteInfo,
}

impl Texts<'_> {
    /// A localized TOML value: Chinese text for `zh`, English for every other language.
    fn loc(&self, zh: &str, en: &str) -> String {
        let parts: Vec<String> = self
            .info
            .languages
            .iter()
            .map(|lang| {
                let text = if lang == "zh" { zh } else { en };
                format!("{lang} = {}", quote(text))
            })
            .collect();
        format!("{{ {} }}", parts.join(", "))
    }

    /// The industry keys as a comment, and a line setting the first (commented out when none).
    fn industries(&self) -> (String, Option<String>) {
        let keys: Vec<&str> = self
            .info
            .industries
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        let list = if keys.is_empty() {
            "none yet: add [[zone.industries]] to site.toml".to_owned()
        } else {
            keys.join(", ")
        };
        (list, keys.first().map(|k| (*k).to_owned()))
    }

    /// `<key>.md` with `front` and a body, and `<key>.<lang>.md` for each other language.
    fn documents(&self, dir: &Path, key: &str, front: &str, body: (&str, &str)) -> Vec<NewFile> {
        let default = self.info.default_lang();
        let body_in = |lang: &str| if lang == "zh" { body.0 } else { body.1 };
        let mut files = vec![NewFile {
            path: dir.join(format!("{key}.md")),
            text: format!("{front}{}\n", body_in(default)),
        }];
        for lang in self.info.languages.iter().skip(1) {
            files.push(NewFile {
                path: dir.join(format!("{key}.{lang}.md")),
                text: format!("{}\n", body_in(lang)),
            });
        }
        files
    }

    fn park(&self, key: &str) -> String {
        let (industries, first) = self.industries();
        let industries_line = match first {
            Some(first) => format!("industries = [\"{first}\"]"),
            None => "industries = []".to_owned(),
        };
        format!(
            r#"# 园区资料 / Park data: content/parks/{key}/park.toml
# 文字可以写一个字符串（各语言相同），或按语言分别写 {{ zh = "…", en = "…" }}。
# Text is one string (the same in every language) or a table by language.
# 去掉行首的 # 即可启用可选字段 / remove the leading # to use an optional field.

name = {name}   # 园区名称（必填）/ name (required)
operator = {operator}   # 运营商（必填）/ operating company (required)
# developer = {developer}   # 开发建设方 / developer
positioning = {positioning}   # 产业定位（必填）/ positioning (required)
{industries_line}   # 主导产业，site.toml 中的 key / zone industry keys: {industries}
status = "planning"   # 状态 / status: operating（运营）| building（在建）| planning（规划）
order = 100   # 在列表中的顺序，小的在前 / position in listings, smaller first
# cover = "cover.jpg"   # 封面图，放在本文件夹 / cover image in this folder
# area = {{ value = 500, unit = {area_unit} }}   # 面积 / area
highlights = []   # 亮点 / selling points: [{highlight}]
# gallery = [{{ src = "hall.jpg", caption = {caption} }}]   # 图片 / photos
# map = "map.png"   # 区位图 / location map image
# aliases = ["old-key"]   # 旧 key，旧链接继续有效 / earlier keys whose links keep working
draft = true   # 草稿：内容填好后改为 false 才会发布 / draft: set to false to publish

# 优惠政策，每条一个 [[policies]] / preferential policies, one [[policies]] each
# [[policies]]
# key = "rent-subsidy"   # 标识，只用小写字母、数字和连字符 / key: a slug
# title = {policy_title}   # 标题（必填）/ title (required)
# category = "rent"   # 类别 / category: tax | rent | land | talent | finance | equipment | other
# summary = {policy_summary}   # 摘要（必填）/ summary (required)
# benefit = {benefit}   # 扶持内容 / benefit
# eligibility = {eligibility}   # 申请条件 / eligibility
# source = {source}   # 政策来源 / source document
# document = "某政发〔2026〕1号"   # 文号 / document number
# issuer = {issuer}   # 发文机关 / issuer
# source_url = "https://www.example.gov.cn/policy.html"   # 原文链接 / link
# valid_from = 2026-01-01   # 生效日期 / in force from
# valid_until = 2028-12-31   # 截止日期，过期自动隐藏 / last day; hidden once expired
# draft = false

# 要素保障，每项一个 [[factors]] / factor guarantees, one [[factors]] each
# [[factors]]
# kind = "electricity"   # land | electricity | water | gas | steam | heating | sewage | broadband | logistics | talent | housing | finance | other
# label = {factor_label}   # 名称 / label
# value = 0.62   # 数值，或文字 / a number, or text
# unit = {factor_unit}   # 单位 / unit
# note = {factor_note}   # 备注 / note
# as_of = 2026-05-01   # 截至日期 / date of the figure

# 项目进展 / pipeline
# [pipeline]
# signed = 0   # 已签订入园三方协议 / tri-party agreements signed
# to_sign = 0   # 拟签订 / about to sign
# negotiating = 0   # 洽谈中 / under negotiation
# as_of = 2026-05-01

# 载体，每处一个 [[carriers]] / space to move into, one [[carriers]] each
# [[carriers]]
# kind = "factory"   # land | factory | office | warehouse | lab | apartment
# name = {carrier_name}
# area = {{ value = 12000, unit = {m2} }}   # 总面积 / total area
# available = {{ value = 4000, unit = {m2} }}   # 可租售面积 / available
# price = {{ value = 12, unit = {price_unit} }}   # 价格 / price
# note = {carrier_note}
# as_of = 2026-05-01

# 区位交通 / distances
# [[access]]
# to = {access_to}
# km = 25
# minutes = 30

# 联系人 / contacts
# [[contacts]]
# name = {contact_name}
# role = {contact_role}
# phone = "0000-0000000"
# email = "invest@example.gov.cn"
# wechat = "example-wechat"
"#,
            name = self.loc("新园区", "New park"),
            operator = self.loc("运营公司名称", "Operating company"),
            developer = self.loc("开发建设单位", "Developer"),
            positioning = self.loc("主导产业与发展方向", "Lead industries and direction"),
            area_unit = self.loc("亩", "mu"),
            highlight = self.loc("园区亮点", "A selling point"),
            caption = self.loc("展厅", "Showroom"),
            policy_title = self.loc("租金补贴", "Rent subsidy"),
            policy_summary = self.loc("一句话说明政策", "The policy in one sentence"),
            benefit = self.loc("企业能得到什么", "What a company receives"),
            eligibility = self.loc("哪些企业可以申请", "Who qualifies"),
            source = self.loc("政策文件名称", "Name of the policy document"),
            issuer = self.loc("发文机关", "Issuing authority"),
            factor_label = self.loc("工业电价", "Industrial power"),
            factor_unit = self.loc("元/千瓦时", "yuan/kWh"),
            factor_note = self.loc("备注", "Note"),
            carrier_name = self.loc("标准厂房A区", "Standard factory, zone A"),
            m2 = self.loc("平方米", "m²"),
            price_unit = self.loc("元/平方米·月", "yuan/m²·month"),
            carrier_note = self.loc("层高9米", "9 m clear height"),
            access_to = self.loc("高铁站", "High-speed rail station"),
            contact_name = self.loc("招商服务中心", "Investment Service Centre"),
            contact_role = self.loc("项目对接", "Project enquiries"),
        )
    }

    fn tenant(&self) -> String {
        let (industries, first) = self.industries();
        let industry_line = match first {
            Some(first) => format!("industry = \"{first}\""),
            None => "# industry = \"key\"".to_owned(),
        };
        format!(
            r#"+++
# 企业资料 / Tenant. 去掉行首的 # 即可启用可选字段 / remove the leading # to use an optional field.
name = {name}   # 企业名称（必填）/ company name (required)
status = "signed"   # 状态 / status: settled（入驻）| signed（签约）| reserve（储备）| negotiating（洽谈，不公开 / confidential）
{industry_line}   # 行业，site.toml 中的 key / zone industry key: {industries}
summary = {summary}   # 简介 / summary
# logo = "logo.png"   # 标志，放在本文件旁 / logo beside this file
# website = "https://www.example.com"   # 网址 / website
# since = 2026-01-01   # 入驻时间 / since
featured = false   # 重点展示（园区页和印刷品）/ shown first and in print
# public = true   # 是否公开；洽谈中的企业默认不公开 / may be named in public (default: not while negotiating)
draft = true   # 草稿：内容填好后改为 false 才会发布 / draft: set to false to publish
+++
"#,
            name = self.loc("企业名称", "Company name"),
            summary = self.loc("一句话介绍企业", "The company in one sentence"),
        )
    }

    fn news(&self, today: NaiveDate) -> String {
        format!(
            r#"+++
# 新闻 / News item. 去掉行首的 # 即可启用可选字段 / remove the leading # to use an optional field.
title = {title}   # 标题（必填）/ headline (required)
date = {today}   # 发布日期（必填）/ date (required)
summary = {summary}   # 摘要 / summary
# cover = "cover.jpg"   # 封面图，放在本文件旁 / cover image beside this file
parks = []   # 相关园区的 key / keys of the parks it concerns, e.g. ["data-lake"]
# source = {{ name = {source}, url = "https://www.example.com/news.html" }}   # 出处 / first published in
draft = true   # 草稿：内容填好后改为 false 才会发布 / draft: set to false to publish
+++
"#,
            title = self.loc("新闻标题", "Headline"),
            summary = self.loc("一句话摘要", "The news in one sentence"),
            source = self.loc("济南日报", "Jinan Daily"),
        )
    }

    fn page(&self) -> String {
        format!(
            r#"+++
# 页面 / Page. 去掉行首的 # 即可启用可选字段 / remove the leading # to use an optional field.
title = {title}   # 标题（必填）/ title (required)
summary = {summary}   # 摘要 / summary
order = 100   # 菜单中的顺序，小的在前 / position in the menu, smaller first
menu = false   # 是否显示在主菜单 / listed in the main menu
draft = true   # 草稿：内容填好后改为 false 才会发布 / draft: set to false to publish
+++
"#,
            title = self.loc("页面标题", "Page title"),
            summary = self.loc("一句话说明", "The page in one sentence"),
        )
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml_edit::Value::from(text).to_string().trim().to_owned()
}
