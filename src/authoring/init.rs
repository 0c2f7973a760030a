//! `parkpress init DIR`: a new site that builds at once and passes `check`, in Chinese and English,
//! with one park that has a policy, a factor guarantee and a tenant, on the built-in theme.

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

use super::{NewFile, write_files};

/// What `init` made.
#[derive(Debug)]
pub struct InitSummary {
    /// The new site's root.
    pub root: PathBuf,
    /// Files written, relative to the root.
    pub files: Vec<String>,
}

/// Creates a new site in `dir`. Refuses a folder that is not empty unless `force`, in which case
/// the example files replace any of the same name and everything else is kept. `today` dates the
/// example figures, so they are not reported as stale.
pub fn init(dir: &Path, force: bool, today: NaiveDate) -> anyhow::Result<InitSummary> {
    if dir.exists() {
        if !dir.is_dir() {
            anyhow::bail!("`{}` exists and is not a folder", dir.display());
        }
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        if entries.next().is_some() && !force {
            anyhow::bail!(
                "`{}` is not empty; nothing was written\n  = help: choose a new folder, or pass \
                 --force to add the example files to it (files of the same name are replaced)",
                dir.display()
            );
        }
    }
    let until = NaiveDate::from_ymd_opt(today.year() + 3, 12, 31).unwrap_or(today);
    let fill = |text: &str| {
        text.replace("@TODAY@", &today.to_string())
            .replace("@UNTIL@", &until.to_string())
    };
    let files: Vec<NewFile> = FILES
        .iter()
        .map(|(path, text)| NewFile {
            path: dir.join(path),
            text: fill(text),
        })
        .collect();
    write_files(&files, true)?;
    Ok(InitSummary {
        root: dir.to_path_buf(),
        files: FILES.iter().map(|(p, _)| (*p).to_owned()).collect(),
    })
}

/// The example site, file by file. `@TODAY@` and `@UNTIL@` are replaced by dates.
const FILES: &[(&str, &str)] = &[
    (".gitignore", GITIGNORE),
    ("content/site.toml", SITE_TOML),
    ("content/parks/example-park/park.toml", PARK_TOML),
    ("content/parks/example-park/index.md", PARK_INDEX_ZH),
    ("content/parks/example-park/index.en.md", PARK_INDEX_EN),
    (
        "content/parks/example-park/tenants/example-tech.md",
        TENANT_ZH,
    ),
    (
        "content/parks/example-park/tenants/example-tech.en.md",
        TENANT_EN,
    ),
    ("content/news/site-launch.md", NEWS_ZH),
    ("content/news/site-launch.en.md", NEWS_EN),
    ("content/pages/about.md", ABOUT_ZH),
    ("content/pages/about.en.md", ABOUT_EN),
];

const GITIGNORE: &str = "\
# 生成的文件，不要提交 / generated, never committed
/output/
/share-kit/
/print-shop/
/.parkpress-cache/
";

const SITE_TOML: &str = r#"# 站点与开发区资料 / The site and the zone.
# 每个字段的说明见 README 的 "Content" 一节 / Every field is described in the README ("Content").
# 文字可以写一个字符串（各语言相同），或按语言分别写 { zh = "…", en = "…" }。
# Text is one string (the same in every language) or a table by language { zh = "…", en = "…" }.

base_url = "https://invest.example.gov.cn"   # 网站的正式地址 / where the site is published
languages = ["zh", "en"]                     # 第一个是默认语言 / the first is the default language
theme = "default"                            # 内置主题 / the built-in theme
title = { zh = "示例开发区招商", en = "Invest in the Example Zone" }
description = { zh = "示例经济开发区的园区、优惠政策与要素保障。", en = "Parks, preferential policies and factor guarantees of the Example Economic Development Zone." }
notice = { zh = "示例站点：本站内容均为示例，请替换为本区的资料。", en = "Sample site: all content is illustrative; replace it with your zone's own." }
stale_after_months = 12                      # 数据超过几个月提醒更新 / figures older than this are reported

[zone]
name = { zh = "示例经济开发区", en = "Example Economic Development Zone" }
region = { zh = "某省某市", en = "Example City, Example Province" }
summary = { zh = "示例经济开发区以装备制造和新一代信息技术为主导产业，提供标准厂房和一站式服务。", en = "The Example Economic Development Zone focuses on equipment manufacturing and new-generation IT, with standard factories and one-stop services." }
hotline = "0000-0000000"                     # 招商热线 / investment hotline
email = "invest@example.gov.cn"
# wechat = "示例开发区"                        # 微信公众号 / WeChat official account
# icp = "某ICP备00000000号"                    # 备案号（页脚显示）/ filing numbers shown in the footer
# police_record = "某公网安备 00000000000000号"
# site_code = "0000000000"                   # 网站标识码（政府网站）/ government site code
# sponsor = "某区人民政府"                      # 主办单位 / the body that runs the site
# organizer = "示例开发区管委会"                # 承办单位 / the office that maintains it

[[zone.industries]]                          # 主导产业；园区和企业用 key 引用 / focus industries, referred to by key
key = "equipment"
name = { zh = "装备制造", en = "Equipment manufacturing" }

[[zone.industries]]
key = "new-generation-it"
name = { zh = "新一代信息技术", en = "New-generation IT" }

[[zone.metrics]]                             # 主要数据，都要写日期 / headline figures, always dated
label = { zh = "入园企业", en = "Companies in the zone" }
value = 1
unit = { zh = "家", en = "companies" }
as_of = @TODAY@
source = { zh = "示例数据", en = "Sample data" }

[zone.pipeline]                              # 项目进展 / project pipeline
signed = 1                                   # 已签订入园三方协议 / tri-party agreements signed
to_sign = 0                                  # 拟签订 / about to sign
negotiating = 0                              # 洽谈中 / under negotiation
as_of = @TODAY@

[[zone.process]]                             # 入园流程 / entry procedure, in order
title = { zh = "项目洽谈", en = "Talks" }
detail = { zh = "介绍项目情况，了解园区载体与政策。", en = "Present the project and learn about space and policies." }

[[zone.process]]
title = { zh = "签约入园", en = "Signing" }
detail = { zh = "签订入园三方协议。", en = "Sign the tri-party agreement with the zone and the park operator." }

[[zone.services]]                            # 一站式服务 / one-stop services
title = { zh = "工商登记代办", en = "Business registration" }
detail = { zh = "专人代办企业注册登记。", en = "Staff handle company registration for you." }
"#;

const PARK_TOML: &str = r#"# 园区资料 / Park data. 每个字段的说明见 README / every field is described in the README.

name = { zh = "示例产业园", en = "Example Industrial Park" }                     # 园区名称 / name
operator = { zh = "示例园区运营有限公司", en = "Example Park Operations Co., Ltd." }   # 运营商 / operator
positioning = { zh = "装备制造与工业软件，提供标准厂房和研发办公空间。", en = "Equipment manufacturing and industrial software, with standard factories and R&D offices." }  # 产业定位
industries = ["equipment"]                   # site.toml 中的产业 key / keys of zone industries
status = "operating"                         # operating（运营）| building（在建）| planning（规划）
order = 1                                    # 列表中的顺序 / position in listings
area = { value = 500, unit = { zh = "亩", en = "mu" } }
highlights = [
  { zh = "标准厂房可即租即用", en = "Standard factories ready to rent" },
]

[[policies]]                                 # 优惠政策 / preferential policy
key = "rent-subsidy"
title = { zh = "厂房租金补贴", en = "Factory rent subsidy" }
category = "rent"                            # tax | rent | land | talent | finance | equipment | other
summary = { zh = "新入园企业租用标准厂房享受租金补贴。", en = "New companies renting a standard factory receive a rent subsidy." }
benefit = { zh = "前两年租金减半。", en = "Half rent for the first two years." }
eligibility = { zh = "签订三年以上租约的制造业企业。", en = "Manufacturers signing a lease of three years or more." }
source = { zh = "示例政策文本（请替换）", en = "Sample policy text (replace it)" }
valid_from = @TODAY@
valid_until = @UNTIL@                        # 过期后自动从网站隐藏 / hidden from the site once expired

[[factors]]                                  # 要素保障 / factor guarantee
kind = "electricity"                         # land | electricity | water | gas | steam | heating | sewage | broadband | logistics | talent | housing | finance | other
label = { zh = "工业电价", en = "Industrial power" }
value = 0.62
unit = { zh = "元/千瓦时", en = "yuan/kWh" }
note = { zh = "示例价格", en = "Sample price" }
as_of = @TODAY@

[pipeline]                                   # 本园区项目进展 / this park's pipeline
signed = 1
to_sign = 0
negotiating = 0
as_of = @TODAY@

[[contacts]]
name = { zh = "招商服务中心", en = "Investment Service Centre" }
role = { zh = "项目对接", en = "Project enquiries" }
phone = "0000-0000000"
email = "invest@example.gov.cn"
"#;

const PARK_INDEX_ZH: &str = r#"+++
summary = { zh = "装备制造与工业软件园区，标准厂房即租即用。", en = "A park for equipment makers and industrial software, with factories ready to rent." }
+++
示例产业园位于开发区北部，主要承接装备制造和工业软件项目。

## 园区优势

- 标准厂房和研发办公空间
- 一站式代办服务
"#;

const PARK_INDEX_EN: &str = r#"The Example Industrial Park lies in the north of the zone and hosts equipment manufacturing and
industrial software projects.

## Advantages

- Standard factories and R&D offices
- One-stop services
"#;

const TENANT_ZH: &str = r#"+++
name = { zh = "示例科技有限公司", en = "Example Technology Co., Ltd." }
status = "settled"                           # settled（入驻）| signed（签约）| reserve（储备）| negotiating（洽谈，不公开）
industry = "equipment"
summary = { zh = "智能装备研发与制造。", en = "Develops and makes smart equipment." }
since = @TODAY@
featured = true                              # 在园区页面和印刷品中重点展示 / shown first and in print
+++
示例科技有限公司研发和生产智能装备，已入驻[示例产业园](@/parks/example-park)。
"#;

const TENANT_EN: &str = r#"Example Technology develops and makes smart equipment in the
[Example Industrial Park](@/parks/example-park).
"#;

const NEWS_ZH: &str = r#"+++
title = { zh = "招商网站上线", en = "Investment website launched" }
date = @TODAY@
summary = { zh = "示例开发区招商网站正式上线。", en = "The Example Zone's investment website is online." }
parks = ["example-park"]
+++
示例开发区招商网站今天上线，介绍各园区的产业定位、优惠政策和要素保障。
"#;

const NEWS_EN: &str = r#"The Example Zone's investment website went online today, with the positioning, policies and
factor guarantees of each park.
"#;

const ABOUT_ZH: &str = r#"+++
title = { zh = "关于本站", en = "About this site" }
summary = { zh = "本站由示例经济开发区管理委员会维护。", en = "This site is kept by the Example Zone's administrative committee." }
order = 1
menu = true
+++
本站由示例经济开发区管理委员会维护。招商热线：0000-0000000。
"#;

const ABOUT_EN: &str = r#"This site is kept by the administrative committee of the Example Economic Development Zone.
Investment hotline: 0000-0000000.
"#;
