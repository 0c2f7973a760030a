//! One typed context per page kind: what each template gets besides `page` and the values every
//! page of a language shares (`site`, `t`, `lang`, `theme`; see [`LangViews::base_context`]).
//! docs/themes.md lists the same variables for theme authors.

use serde::Serialize;

use super::pages::{Job, JobOutput, PageRenderer, Tool};
use super::tools;
use crate::model::Asset;
use crate::views::context::*;
use crate::views::{LangViews, ViewCx};

/// What a page's `page` variable is made from, beside its kind: the head every page shows.
pub(super) struct Head {
    /// Path below the language root (`parks/dawo/`).
    pub path: String,
    /// Title, untrimmed.
    pub title: String,
    /// Description, untrimmed; empty for the site's own.
    pub description: String,
    /// The page's own share image, if it has one.
    pub image: Option<Asset>,
    /// Open Graph type: `website` or `article`.
    pub og_type: &'static str,
}

impl Head {
    /// A page with no image of its own.
    fn website(path: impl Into<String>, title: String, description: String) -> Head {
        Head {
            path: path.into(),
            title,
            description,
            image: None,
            og_type: "website",
        }
    }
}

/// A page's own template variables and its head.
pub(super) struct PageContext {
    /// Variables of the page kind, merged over the language's shared ones.
    pub context: tera::Context,
    /// What `page` is made from.
    pub head: Head,
}

impl PageContext {
    fn new(context: &impl Serialize, head: Head) -> Result<PageContext, tera::Error> {
        Ok(PageContext {
            context: tera::Context::from_serialize(context)?,
            head,
        })
    }
}

/// `index.html`.
#[derive(Serialize)]
struct HomeContext<'a> {
    zone: &'a ZoneView,
    parks: &'a [ParkCard],
    featured_tenants: Vec<&'a TenantCard>,
    /// The three newest items.
    news: &'a [NewsCard],
}

/// `parks.html`.
#[derive(Serialize)]
struct ParksContext<'a> {
    parks: &'a [ParkCard],
}

/// `park.html`.
#[derive(Serialize)]
struct ParkContext<'a> {
    park: ParkView<'a>,
}

/// `tenant.html`.
#[derive(Serialize)]
struct TenantContext<'a> {
    tenant: TenantView<'a>,
    park: &'a ParkCard,
}

/// `tenants.html`.
#[derive(Serialize)]
struct TenantsContext<'a> {
    tenants: Vec<&'a TenantCard>,
    parks: &'a [ParkCard],
    industries: &'a [IndustryView],
}

/// `policies.html`.
#[derive(Serialize)]
struct PoliciesContext<'a> {
    policies: Vec<&'a PolicyView>,
    filters: PolicyFilters,
}

/// The policy list's filter choices: only values some listed policy has.
#[derive(Serialize)]
struct PolicyFilters {
    parks: Vec<FilterOption>,
    categories: Vec<FilterOption>,
    industries: Vec<FilterOption>,
}

/// `news_list.html`.
#[derive(Serialize)]
struct NewsListContext<'a> {
    news: &'a [NewsCard],
}

/// `news.html`.
#[derive(Serialize)]
struct NewsContext<'a> {
    news: NewsView<'a>,
}

/// `page.html`.
#[derive(Serialize)]
struct FreePageContext {
    content: FreePageView,
}

/// `atom.xml`.
#[derive(Serialize)]
struct FeedContext<'a> {
    news: &'a [NewsCard],
    feed_url: String,
    /// RFC 3339 time of the newest item (or the build date).
    updated: String,
    origin: String,
}

/// `404.html`: one page with every language's text.
#[derive(Serialize)]
struct NotFoundContext {
    versions: Vec<NotFoundVersion>,
}

/// The 404 page's text in one language, with links to pages that exist.
#[derive(Serialize)]
struct NotFoundVersion {
    lang: String,
    tag: String,
    title: String,
    text: String,
    home_label: String,
    home: String,
    parks_label: String,
    parks: String,
}

/// `search.html` needs nothing beyond `page`.
#[derive(Serialize)]
struct SearchContext {}

/// An investor tool's page: its view under the tool's code (`costs`, `finder`…).
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum ToolContext<'a> {
    Costs(tools::costs::CostsView),
    Finder(tools::finder::FinderView<'a>),
    Carriers(tools::carriers::CarriersView),
    Compare(tools::compare::CompareView),
    Enquiry(tools::enquiry::EnquiryView),
}

impl PageRenderer<'_> {
    /// The context of one page kind in one language; Markdown bodies are rendered here, their
    /// problems and assets go to `out`.
    pub(super) fn page_context(
        &self,
        job: Job,
        views: &LangViews,
        out: &mut JobOutput,
    ) -> Result<PageContext, tera::Error> {
        let lang = views.lang.as_str();
        let joined = |names: &mut dyn Iterator<Item = &str>| names.collect::<Vec<_>>().join(" · ");
        match job {
            Job::Home => self.home(views),
            Job::Parks => PageContext::new(
                &ParksContext {
                    parks: &views.parks,
                },
                Head::website(
                    "parks/",
                    self.cx.s(lang, "nav.parks"),
                    joined(&mut views.parks.iter().map(|p| p.name.as_str())),
                ),
            ),
            Job::Park(index) => self.park(views, index, out),
            Job::Tenant(park, tenant) => self.tenant(views, park, tenant, out),
            Job::Tenants => {
                let tenants: Vec<&TenantCard> = views.tenants.iter().flatten().collect();
                let description = joined(&mut tenants.iter().map(|t| t.name.as_str()));
                let context = TenantsContext {
                    tenants,
                    parks: &views.parks,
                    industries: &views.zone.industries,
                };
                let title = self.cx.s(lang, "nav.tenants");
                PageContext::new(&context, Head::website("tenants/", title, description))
            }
            Job::Policies => {
                let policies: Vec<&PolicyView> = views.policies.iter().flatten().collect();
                let description = joined(&mut policies.iter().map(|p| p.title.as_str()));
                let filters = policy_filters(views, &policies);
                let title = self.cx.s(lang, "nav.policies");
                PageContext::new(
                    &PoliciesContext { policies, filters },
                    Head::website("policies/", title, description),
                )
            }
            Job::NewsList => PageContext::new(
                &NewsListContext { news: &views.news },
                Head::website(
                    "news/",
                    self.cx.s(lang, "nav.news"),
                    joined(&mut views.news.iter().map(|n| n.title.as_str())),
                ),
            ),
            Job::News(index) => self.news(views, index, out),
            Job::Page(index) => self.free_page(views, index, out),
            Job::Feed => self.feed(views),
            Job::NotFound => {
                let versions = self.not_found_versions();
                let title = joined(&mut versions.iter().map(|v| v.title.as_str()));
                PageContext::new(
                    &NotFoundContext { versions },
                    Head::website("404.html", title, String::new()),
                )
            }
            Job::Search => PageContext::new(
                &SearchContext {},
                Head::website("search/", self.cx.s(lang, "nav.search"), String::new()),
            ),
            Job::Tool(tool) => self.tool(tool, views),
        }
    }

    fn home(&self, views: &LangViews) -> Result<PageContext, tera::Error> {
        let site = self.cx.site;
        let lang = views.lang.as_str();
        let featured_tenants = views
            .tenants
            .iter()
            .flatten()
            .filter(|t| t.featured)
            .collect();
        let context = HomeContext {
            zone: &views.zone,
            parks: &views.parks,
            featured_tenants,
            news: &views.news[..views.news.len().min(3)],
        };
        let description = site
            .zone
            .summary
            .as_ref()
            .or(site.description.as_ref())
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default();
        let title = views.site.title.clone();
        PageContext::new(&context, Head::website("", title, description))
    }

    fn park(
        &self,
        views: &LangViews,
        index: usize,
        out: &mut JobOutput,
    ) -> Result<PageContext, tera::Error> {
        let park = &self.cx.site.parks[index];
        let lang = views.lang.as_str();
        let url = self.cx.urls.page(lang, &ViewCx::park_path(&park.key));
        let (body, toc) = self.body(park.body.as_ref(), lang, &url, out);
        let view = self.cx.park_view(views, index, body, toc);
        out.extra.extend(self.vcards(park, lang, &url));
        let head = Head {
            path: ViewCx::park_path(&park.key),
            title: view.card.name.clone(),
            description: view.card.summary.clone(),
            image: park.cover.clone(),
            og_type: "website",
        };
        PageContext::new(&ParkContext { park: view }, head)
    }

    fn tenant(
        &self,
        views: &LangViews,
        p: usize,
        t: usize,
        out: &mut JobOutput,
    ) -> Result<PageContext, tera::Error> {
        let park = &self.cx.site.parks[p];
        let tenant = &park.tenants[t];
        let card = &views.tenants[p][t];
        let lang = views.lang.as_str();
        let path = ViewCx::tenant_path(&park.key, &tenant.key);
        let url = self.cx.urls.page(lang, &path);
        let (body, toc) = self.body(Some(&tenant.body), lang, &url, out);
        let view = TenantView {
            card,
            website: tenant.website.clone(),
            since: tenant.since.map(|d| crate::views::format::date(d, lang)),
            body,
            toc,
        };
        let head = Head {
            path,
            title: card.name.clone(),
            description: card
                .summary
                .clone()
                .unwrap_or_else(|| format!("{} · {}", card.name, card.park_name)),
            // Logos are small and oddly shaped for chat previews: share the park's cover.
            image: park.cover.clone(),
            og_type: "website",
        };
        let context = TenantContext {
            tenant: view,
            park: &views.parks[p],
        };
        PageContext::new(&context, head)
    }

    fn news(
        &self,
        views: &LangViews,
        index: usize,
        out: &mut JobOutput,
    ) -> Result<PageContext, tera::Error> {
        let site = self.cx.site;
        let news = &site.news[index];
        let card = &views.news[index];
        let lang = views.lang.as_str();
        let path = format!("news/{}/", news.key);
        let url = self.cx.urls.page(lang, &path);
        let (body, toc) = self.body(Some(&news.body), lang, &url, out);
        let image = news.cover.clone().or_else(|| {
            news.parks
                .first()
                .and_then(|k| site.park(k))
                .and_then(|p| p.cover.clone())
        });
        let head = Head {
            path,
            title: card.title.clone(),
            description: card.summary.clone().unwrap_or_default(),
            image,
            og_type: "article",
        };
        PageContext::new(
            &NewsContext {
                news: NewsView { card, body, toc },
            },
            head,
        )
    }

    fn free_page(
        &self,
        views: &LangViews,
        index: usize,
        out: &mut JobOutput,
    ) -> Result<PageContext, tera::Error> {
        let page = &self.cx.site.pages[index];
        let lang = views.lang.as_str();
        let path = format!("{}/", page.key);
        let url = self.cx.urls.page(lang, &path);
        let rendered = self.rendered(&page.body, lang, &url, out);
        let summary = page
            .summary
            .as_ref()
            .map(|s| s.get(lang).to_owned())
            .or_else(|| rendered.as_ref().map(|r| r.summary.clone()));
        let (body, toc) = rendered.map(|r| (r.html, r.toc)).unwrap_or_default();
        let content = FreePageView {
            key: page.key.clone(),
            title: page.title.get(lang).to_owned(),
            summary: summary.clone(),
            body,
            toc,
        };
        let head = Head::website(path, content.title.clone(), summary.unwrap_or_default());
        PageContext::new(&FreePageContext { content }, head)
    }

    fn feed(&self, views: &LangViews) -> Result<PageContext, tera::Error> {
        let site = self.cx.site;
        let urls = self.cx.urls;
        let path = "news/atom.xml";
        let updated = site.news.first().map_or(site.build_date, |n| n.date);
        let context = FeedContext {
            news: &views.news,
            feed_url: urls.absolute(&urls.page(&views.lang, path)),
            updated: format!("{updated}T00:00:00Z"),
            origin: urls.absolute(""),
        };
        let title = views.site.title.clone();
        PageContext::new(&context, Head::website(path, title, String::new()))
    }

    /// The 404 page's text in every site language, default first, with links to that language's
    /// home page and park list (pages that exist).
    fn not_found_versions(&self) -> Vec<NotFoundVersion> {
        let urls = self.cx.urls;
        self.cx
            .site
            .languages
            .iter()
            .map(|l| {
                let s = |key: &str| self.cx.s(&l.code, key);
                NotFoundVersion {
                    lang: l.code.clone(),
                    tag: l.tag.clone(),
                    title: s("not_found.title"),
                    text: s("not_found.text"),
                    home_label: s("not_found.home"),
                    home: urls.page(&l.code, ""),
                    parks_label: s("nav.parks"),
                    parks: urls.page(&l.code, "parks/"),
                }
            })
            .collect()
    }

    /// An investor tool's page: its view under its code, titled and described by its strings.
    fn tool(&self, tool: Tool, views: &LangViews) -> Result<PageContext, tera::Error> {
        let cx = self.cx;
        let context = match tool {
            Tool::Costs => ToolContext::Costs(tools::costs::view(cx, views)),
            Tool::Finder => ToolContext::Finder(tools::finder::view(cx, views)),
            Tool::Carriers => ToolContext::Carriers(tools::carriers::view(cx, views)),
            Tool::Compare => ToolContext::Compare(tools::compare::view(cx, views)),
            Tool::Enquiry => ToolContext::Enquiry(tools::enquiry::view(cx, views)),
        };
        let (code, lang) = (tool.code(), views.lang.as_str());
        let head = Head::website(
            format!("{code}/"),
            cx.s(lang, &format!("nav.{code}")),
            cx.s(lang, &format!("{code}.intro")),
        );
        PageContext::new(&context, head)
    }
}

/// The filter choices of the policy list.
fn policy_filters(views: &LangViews, policies: &[&PolicyView]) -> PolicyFilters {
    let parks = views
        .parks
        .iter()
        .map(|p| FilterOption {
            value: p.key.clone(),
            label: p.name.clone(),
        })
        .collect();
    let mut categories: Vec<FilterOption> = Vec::new();
    for policy in policies {
        if !categories.iter().any(|c| c.value == policy.category) {
            categories.push(FilterOption {
                value: policy.category.to_owned(),
                label: policy.category_label.clone(),
            });
        }
    }
    let industries = views
        .zone
        .industries
        .iter()
        .map(FilterOption::from)
        .collect();
    PolicyFilters {
        parks,
        categories,
        industries,
    }
}
