//! `parkpress import`: rows of a spreadsheet into content files. Tenants become
//! `content/parks/<park>/tenants/<key>.md` (front matter only: the body is kept), policies and
//! factors entries of the park's `park.toml`; rows update the entry with the same key (or, for
//! factors, kind and label) and keep every field the sheet does not have, and every comment.
//!
//! Every row is checked before anything is written: one bad row, and no file changes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, TableLike, Value};

use super::sheet::{self, Cell, Sheet};
use super::toml_text::{self, FieldChange, TextError};
use super::{SiteInfo, display, write_atomic};
use crate::content::codes::Coded;
use crate::content::parse::{is_slug, nearest, suggest_slug};
use crate::diagnostics::Diagnostic;
use crate::model::{FactorKind, PolicyCategory, TenantStatus};

/// What the rows of a sheet are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Showcase tenants, one file each.
    Tenants,
    /// `[[policies]]` of park.toml.
    Policies,
    /// `[[factors]]` of park.toml.
    Factors,
}

impl ImportKind {
    fn fields(self) -> &'static [Field] {
        match self {
            ImportKind::Tenants => TENANT_FIELDS,
            ImportKind::Policies => POLICY_FIELDS,
            ImportKind::Factors => FACTOR_FIELDS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ImportKind::Tenants => "tenants",
            ImportKind::Policies => "policies",
            ImportKind::Factors => "factors",
        }
    }
}

/// What to import, from where, into which park.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site root.
    pub root: PathBuf,
    /// The spreadsheet.
    pub file: PathBuf,
    /// The park the rows belong to.
    pub park: String,
    /// What the rows are.
    pub kind: ImportKind,
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Report what would change, write nothing.
    pub dry_run: bool,
    /// Publish the entries the sheet adds; without it they are drafts (as `new` makes them).
    pub publish: bool,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The command cannot run (exit 2): missing file, unknown park, unreadable spreadsheet.
    #[error("{0:#}")]
    Usage(anyhow::Error),
    /// The sheet has bad rows or headers (exit 1); nothing was written.
    #[error("{} problem(s) in sheet `{sheet}`", problems.len())]
    Rows {
        /// The sheet's name.
        sheet: String,
        /// Every problem found.
        problems: Vec<Diagnostic>,
    },
}

/// What became of one row's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new entry (and, for tenants, a new file).
    Create,
    /// An existing entry with changed fields.
    Update,
    /// An existing entry that already says what the row says.
    Unchanged,
}

/// One row's effect.
#[derive(Debug, Clone)]
pub struct EntryChange {
    /// The row.
    pub row: u32,
    /// The file, relative to the site root.
    pub file: String,
    /// The entry, e.g. "tenant `huawei-cloud`".
    pub entry: String,
    /// Created, updated or unchanged.
    pub action: Action,
    /// The fields that changed.
    pub fields: Vec<FieldChange>,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The sheet read.
    pub sheet: String,
    /// The CSV encoding detected.
    pub encoding: Option<&'static str>,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    /// Each row's effect, in row order.
    pub changes: Vec<EntryChange>,
    /// Files written (or that would be), relative to the site root.
    pub files: Vec<String>,
    /// Nothing was written.
    pub dry_run: bool,
}

impl ImportSummary {
    /// The report printed after an import: each created or updated entry with its changed fields.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (create, update, same) =
            self.changes
                .iter()
                .fold((0, 0, 0), |(c, u, s), e| match e.action {
                    Action::Create => (c + 1, u, s),
                    Action::Update => (c, u + 1, s),
                    Action::Unchanged => (c, u, s + 1),
                });
        let encoding = self.encoding.map(|e| format!(", {e}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "sheet `{}`{encoding}: {} row(s)",
            self.sheet, self.rows
        );
        for change in &self.changes {
            let verb = match (change.action, self.dry_run) {
                (Action::Create, false) => "created",
                (Action::Create, true) => "would create",
                (Action::Update, false) => "updated",
                (Action::Update, true) => "would update",
                (Action::Unchanged, _) => continue,
            };
            let _ = writeln!(
                out,
                "row {}: {verb} {} in {}",
                change.row, change.entry, change.file
            );
            for field in &change.fields {
                match &field.old {
                    Some(old) => {
                        let _ = writeln!(out, "    {}: {old} → {}", field.field, field.new);
                    }
                    None => {
                        let _ = writeln!(out, "    {}: {}", field.field, field.new);
                    }
                }
            }
        }
        let files = self.files.len();
        let _ = writeln!(
            out,
            "{create} new, {update} changed, {same} unchanged; {files} file(s) {}",
            if self.dry_run {
                "would be written (dry run: nothing was written)"
            } else {
                "written"
            }
        );
        out
    }
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// A slug identifying the entry.
    Key,
    /// Localized text (`name`, `name.en`).
    Text,
    /// Text that is the same in every language (a document number).
    Plain,
    /// A web address.
    Url,
    /// A date.
    Date,
    /// 是/否.
    Bool,
    /// Tenant status.
    Status,
    /// A zone industry, by key or name.
    Industry,
    /// Policy category.
    Category,
    /// Factor kind.
    Kind,
    /// A factor's value: a number, or localized text.
    FactorValue,
}

impl Ty {
    fn localized(self) -> bool {
        matches!(self, Ty::Text | Ty::FactorValue)
    }
}

/// A field a sheet may set, and the headers that name it.
#[derive(Debug)]
struct Field {
    name: &'static str,
    headers: &'static [&'static str],
    ty: Ty,
}

const fn field(name: &'static str, headers: &'static [&'static str], ty: Ty) -> Field {
    Field { name, headers, ty }
}

const TENANT_FIELDS: &[Field] = &[
    field("key", &["key", "标识"], Ty::Key),
    field("name", &["name", "名称"], Ty::Text),
    field("status", &["status", "状态"], Ty::Status),
    field("industry", &["industry", "行业"], Ty::Industry),
    field("summary", &["summary", "简介"], Ty::Text),
    field("website", &["website", "网址"], Ty::Url),
    field("since", &["since", "入驻时间"], Ty::Date),
    field("featured", &["featured", "重点"], Ty::Bool),
];

const POLICY_FIELDS: &[Field] = &[
    field("key", &["key", "标识"], Ty::Key),
    field("title", &["title", "标题"], Ty::Text),
    field("category", &["category", "类别"], Ty::Category),
    field("summary", &["summary", "摘要"], Ty::Text),
    field("benefit", &["benefit", "扶持内容"], Ty::Text),
    field("eligibility", &["eligibility", "申请条件"], Ty::Text),
    field("document", &["document", "文号"], Ty::Plain),
    field("issuer", &["issuer", "发文机关"], Ty::Text),
    field("source", &["source", "来源"], Ty::Text),
    field("source_url", &["source_url", "链接"], Ty::Url),
    field("valid_from", &["valid_from", "生效日期"], Ty::Date),
    field("valid_until", &["valid_until", "截止日期"], Ty::Date),
];

const FACTOR_FIELDS: &[Field] = &[
    field("kind", &["kind", "类型"], Ty::Kind),
    field("label", &["label", "名称"], Ty::Text),
    field("value", &["value", "数值"], Ty::FactorValue),
    field("unit", &["unit", "单位"], Ty::Text),
    field("note", &["note", "备注"], Ty::Text),
    field("as_of", &["as_of", "截至日期"], Ty::Date),
];

/// Columns that only number the rows.
const IGNORED: &[&str] = &["序号", "no", "no.", "#"];

/// What a sheet may write for each value besides its code (in any case): Chinese names.
const STATUSES: &[(TenantStatus, &[&str])] = &[
    (TenantStatus::Settled, &["入驻", "已入驻"]),
    (TenantStatus::Signed, &["签约", "已签约"]),
    (TenantStatus::Reserve, &["储备"]),
    (TenantStatus::Negotiating, &["洽谈", "洽谈中"]),
];

const CATEGORIES: &[(PolicyCategory, &[&str])] = &[
    (PolicyCategory::Tax, &["税收"]),
    (PolicyCategory::Rent, &["租金"]),
    (PolicyCategory::Land, &["土地"]),
    (PolicyCategory::Talent, &["人才"]),
    (PolicyCategory::Finance, &["金融"]),
    (PolicyCategory::Equipment, &["设备"]),
    (PolicyCategory::Other, &["其他", "其它"]),
];

const KINDS: &[(FactorKind, &[&str])] = &[
    (FactorKind::Land, &["土地", "用地"]),
    (FactorKind::Electricity, &["电", "电力", "用电", "供电"]),
    (FactorKind::Water, &["水", "用水", "供水"]),
    (FactorKind::Gas, &["气", "燃气", "天然气", "用气", "供气"]),
    (FactorKind::Steam, &["蒸汽", "供汽"]),
    (FactorKind::Heating, &["供暖", "供热", "采暖"]),
    (FactorKind::Sewage, &["污水", "污水处理"]),
    (FactorKind::Broadband, &["宽带", "网络"]),
    (FactorKind::Logistics, &["物流"]),
    (FactorKind::Talent, &["人才"]),
    (FactorKind::Housing, &["住房"]),
    (FactorKind::Finance, &["金融"]),
    (FactorKind::Other, &["其他", "其它"]),
];

/// A column of the sheet that maps to a field (in one language, for localized text).
#[derive(Debug)]
struct Column {
    index: usize,
    field: &'static Field,
    lang: String,
    header: String,
    letter: String,
}

/// One cell's value, read and checked.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    /// Localized text, by language.
    Text(BTreeMap<String, String>),
    Str(String),
    Date(NaiveDate),
    Bool(bool),
    Number(f64),
}

/// One data row, read and checked.
#[derive(Debug)]
struct RowData {
    number: u32,
    values: BTreeMap<&'static str, Val>,
    /// Where each field came from, for messages: (letter, header) of its (first) column.
    cells: BTreeMap<&'static str, (String, String)>,
}

impl RowData {
    fn str(&self, field: &str) -> Option<&str> {
        match self.values.get(field) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn text(&self, field: &str, lang: &str) -> Option<&str> {
        match self.values.get(field) {
            Some(Val::Text(t)) => t.get(lang).map(String::as_str),
            _ => None,
        }
    }

    fn cell(&self, field: &str) -> Option<(String, String)> {
        self.cells.get(field).cloned()
    }
}

/// Imports the sheet. Returns what changed; writes nothing when any row is bad or on a dry run.
pub fn import(options: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let root = &options.root;
    let park_dir = root.join("content").join("parks").join(&options.park);
    if !is_slug(&options.park) || !park_dir.join("park.toml").is_file() {
        return Err(ImportError::Usage(anyhow::anyhow!(
            "there is no park `{}` (no `content/parks/{}/park.toml`)\n  = help: known parks: {}",
            options.park,
            options.park,
            super::known_parks(&root.join("content")).join(", ")
        )));
    }
    if !options.file.is_file() {
        return Err(ImportError::Usage(anyhow::anyhow!(
            "cannot read `{}`: no such file",
            options.file.display()
        )));
    }
    let info = SiteInfo::read(root).map_err(ImportError::Usage)?;
    let sheet = sheet::read(&options.file, options.sheet.as_deref()).map_err(ImportError::Usage)?;
    let file = options.file.display().to_string();
    let rows_error = |problems: Vec<Diagnostic>| ImportError::Rows {
        problems: (problems.into_iter())
            .map(|problem| problem.in_sheet(&file, &sheet.name))
            .collect(),
        sheet: sheet.name.clone(),
    };
    let (columns, header_row) = map_headers(&sheet, options.kind, &info).map_err(rows_error)?;
    let (rows, mut problems) = read_rows(&sheet, &columns, header_row, options.kind, &info);
    let mut plan = Plan {
        publish: options.publish,
        ..Plan::default()
    };
    match options.kind {
        ImportKind::Tenants => plan.tenants(root, &park_dir, &rows, &info, &mut problems),
        ImportKind::Policies | ImportKind::Factors => {
            plan.park(root, &park_dir, options.kind, &rows, &info, &mut problems);
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(rows_error(problems));
    }
    let mut files = Vec::new();
    for (path, (old, new)) in &plan.files {
        if old.as_deref() == Some(new.as_str()) {
            continue;
        }
        files.push(display(root, path));
        if !options.dry_run {
            write_atomic(path, new.as_bytes()).map_err(ImportError::Usage)?;
        }
    }
    Ok(ImportSummary {
        sheet: sheet.name.clone(),
        encoding: sheet.encoding,
        rows: rows.len(),
        changes: plan.changes,
        files,
        dry_run: options.dry_run,
    })
}

/// Maps the header row to fields. Every unknown, duplicate or misplaced header is a problem.
fn map_headers(
    sheet: &Sheet,
    kind: ImportKind,
    info: &SiteInfo,
) -> Result<(Vec<Column>, u32), Vec<Diagnostic>> {
    let Some(header) = sheet
        .rows
        .iter()
        .find(|r| r.cells.iter().any(|c| !c.is_blank()))
    else {
        return Err(vec![
            Diagnostic::error("import-sheet", "the sheet is empty").with_hint(format!(
                "the first row holds the column headers, e.g. {}",
                known_headers(kind)
            )),
        ]);
    };
    let default = info.default_lang();
    let mut problems = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let letter = sheet.column_letter(index);
        let text = cell_text(cell)
            .trim()
            .trim_start_matches('\u{feff}')
            .to_owned();
        let here = Some((letter.clone(), text.clone()));
        if text.is_empty() {
            let has_data = sheet
                .rows
                .iter()
                .filter(|r| r.number > header.number)
                .any(|r| r.cells.get(index).is_some_and(|c| !c.is_blank()));
            if has_data {
                problems.push(
                    row_problem(
                        header.number,
                        Some((letter, String::new())),
                        "this column has data but no header",
                    )
                    .with_hint(format!(
                        "name it in row {}: {}",
                        header.number,
                        known_headers(kind)
                    )),
                );
            }
            continue;
        }
        let lower = text.to_lowercase();
        if IGNORED.contains(&lower.as_str()) {
            continue;
        }
        let find = |name: &str| kind.fields().iter().find(|f| f.headers.contains(&name));
        let (field, lang) = match find(&lower) {
            Some(field) => (field, default.to_owned()),
            None => match lower
                .rsplit_once('.')
                .and_then(|(base, lang)| find(base).map(|field| (base, lang, field)))
            {
                Some((base, lang, field)) => {
                    if !field.ty.localized() {
                        problems.push(
                            row_problem(header.number, here, format!("`{base}` is the same in every language; it has no `.{lang}` column"))
                                .with_hint(format!("name the column `{base}`")),
                        );
                        continue;
                    }
                    if !info.languages.iter().any(|l| l == lang) {
                        problems.push(
                            row_problem(header.number, here, format!("`{lang}` is not a language of this site"))
                                .with_hint(format!(
                                    "the site's languages are {} (site.toml); name the column `{base}` for {default}, or `{base}.<lang>`",
                                    info.languages.join(", ")
                                )),
                        );
                        continue;
                    }
                    (field, lang.to_owned())
                }
                None => {
                    let all: Vec<&str> = kind
                        .fields()
                        .iter()
                        .flat_map(|f| f.headers.iter().copied())
                        .collect();
                    let hint = match nearest(&lower, &all) {
                        Some(near) => format!(
                            "did you mean `{near}`? The {} columns are {}",
                            kind.name(),
                            known_headers(kind)
                        ),
                        None => format!(
                            "the {} columns are {}; `序号`/`no`/`#` are ignored",
                            kind.name(),
                            known_headers(kind)
                        ),
                    };
                    problems.push(
                        row_problem(header.number, here, format!("unknown column `{text}`"))
                            .with_hint(hint),
                    );
                    continue;
                }
            },
        };
        if let Some(first) = columns
            .iter()
            .find(|c| c.field.name == field.name && c.lang == lang)
        {
            problems.push(
                row_problem(
                    header.number,
                    here,
                    format!(
                        "column `{text}` repeats column {} (`{}`)",
                        first.letter, first.header
                    ),
                )
                .with_hint("keep one of the two columns"),
            );
            continue;
        }
        columns.push(Column {
            index,
            field,
            lang,
            header: text,
            letter,
        });
    }
    let identity = kind.fields()[0].name;
    if problems.is_empty() && !columns.iter().any(|c| c.field.name == identity) {
        let headers = kind.fields()[0].headers.join("`/`");
        problems.push(
            row_problem(header.number, None, format!("the sheet has no `{headers}` column"))
                .with_hint(match kind {
                    ImportKind::Factors => "add a column `kind` (or `类型`) naming each factor's kind, e.g. 电 or electricity".to_owned(),
                    _ => format!("add a column `key` (or `标识`) with a slug for each row, e.g. `rent-subsidy`; rows update the {} with the same key", kind.name()),
                }),
        );
    }
    if problems.is_empty() {
        Ok((columns, header.number))
    } else {
        Err(problems)
    }
}

fn known_headers(kind: ImportKind) -> String {
    kind.fields()
        .iter()
        .map(|f| format!("`{}`", f.headers.join("`/`")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads every data row; blank rows are skipped, bad cells reported.
fn read_rows(
    sheet: &Sheet,
    columns: &[Column],
    header_row: u32,
    kind: ImportKind,
    info: &SiteInfo,
) -> (Vec<RowData>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let identity = kind.fields()[0].name;
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for row in sheet.rows.iter().filter(|r| r.number > header_row) {
        if row.cells.iter().all(Cell::is_blank) {
            continue;
        }
        let mut data = RowData {
            number: row.number,
            values: BTreeMap::new(),
            cells: BTreeMap::new(),
        };
        let before = problems.len();
        for column in columns {
            let cell = row.cells.get(column.index).unwrap_or(&Cell::Empty);
            let here = Some((column.letter.clone(), column.header.clone()));
            let value = match parse_cell(cell, column.field.ty, info) {
                Ok(Some(value)) => value,
                Ok(None) => continue,
                Err((message, hint)) => {
                    let mut problem = row_problem(row.number, here, message);
                    problem.hint = hint;
                    problems.push(problem);
                    continue;
                }
            };
            data.cells
                .entry(column.field.name)
                .or_insert_with(|| (column.letter.clone(), column.header.clone()));
            let slot = data.values.entry(column.field.name);
            match (slot, value) {
                (std::collections::btree_map::Entry::Vacant(v), Val::Text(text)) => {
                    let text = text.into_values().next().unwrap_or_default();
                    v.insert(Val::Text(BTreeMap::from([(column.lang.clone(), text)])));
                }
                (std::collections::btree_map::Entry::Vacant(v), value) => {
                    v.insert(value);
                }
                (std::collections::btree_map::Entry::Occupied(mut o), Val::Text(text)) => {
                    let text = text.into_values().next().unwrap_or_default();
                    match o.get_mut() {
                        Val::Text(map) => {
                            map.insert(column.lang.clone(), text);
                        }
                        _ => problems.push(
                            row_problem(row.number, here, "a number is the same in every language")
                                .with_hint(format!(
                                    "leave `{}` empty when `{}` is a number",
                                    column.header, column.field.name
                                )),
                        ),
                    }
                }
                (std::collections::btree_map::Entry::Occupied(mut o), Val::Number(n)) => {
                    // The default-language column came after a translation: a number wins only
                    // when no translation was given.
                    if matches!(o.get(), Val::Text(_)) {
                        problems.push(
                            row_problem(row.number, here, "a number is the same in every language")
                                .with_hint(format!(
                                    "leave the other `{}.<lang>` columns empty when it is a number",
                                    column.field.name
                                )),
                        );
                    } else {
                        o.insert(Val::Number(n));
                    }
                }
                (std::collections::btree_map::Entry::Occupied(mut o), value) => {
                    o.insert(value);
                }
            }
        }
        if problems.len() > before {
            continue;
        }
        let id = match kind {
            ImportKind::Tenants | ImportKind::Policies => data.str(identity).map(str::to_owned),
            ImportKind::Factors => data.str("kind").map(|k| {
                format!(
                    "{k}\u{0}{}",
                    data.text("label", info.default_lang()).unwrap_or("")
                )
            }),
        };
        let Some(id) = id else {
            let headers = kind.fields()[0].headers.join("`/`");
            problems.push(
                row_problem(row.number, None, format!("the row has no `{headers}`")).with_hint(
                    match kind {
                        ImportKind::Factors => {
                            "fill in the kind (e.g. 电, 水, 土地), or delete the row".to_owned()
                        }
                        _ => "fill in the key (a slug such as `huawei-cloud`), or delete the row"
                            .to_owned(),
                    },
                ),
            );
            continue;
        };
        if let Some(first) = seen.get(&id) {
            let what = match kind {
                ImportKind::Factors => "kind and label".to_owned(),
                _ => format!("key `{}`", data.str(identity).unwrap_or_default()),
            };
            problems.push(
                row_problem(
                    row.number,
                    data.cell(identity),
                    format!("row {first} has the same {what}"),
                )
                .with_hint("merge the two rows into one"),
            );
            continue;
        }
        seen.insert(id, row.number);
        rows.push(data);
    }
    (rows, problems)
}

/// The text of a cell, whatever it holds.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(n) => toml_text::format_number(*n),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Error(e) => e.clone(),
    }
}

type CellError = (String, Option<String>);

/// Reads one cell as a field of type `ty`; `None` for a blank cell (the field is left as it is).
fn parse_cell(cell: &Cell, ty: Ty, info: &SiteInfo) -> Result<Option<Val>, CellError> {
    if cell.is_blank() {
        return Ok(None);
    }
    if let Cell::Error(e) = cell {
        return Err((
            format!("the cell holds the spreadsheet error `{e}`"),
            Some("fix the formula, or type the value in".into()),
        ));
    }
    let text = cell_text(cell).trim().to_owned();
    let value = match ty {
        Ty::Key => {
            if !is_slug(&text) {
                return Err((
                    format!("`{text}` is not a valid key"),
                    Some(format!(
                        "keys are slugs: lower-case letters a-z, digits and single hyphens, e.g. `{}`",
                        suggest_slug(&text)
                    )),
                ));
            }
            Val::Str(text)
        }
        Ty::Text => Val::Text(BTreeMap::from([(String::new(), text)])),
        Ty::Plain => Val::Str(text),
        Ty::Url => {
            let ok = (text.starts_with("https://") || text.starts_with("http://"))
                && !text.chars().any(char::is_whitespace);
            if !ok {
                return Err((
                    format!("`{text}` is not a web address"),
                    Some("write the full address with http:// or https://, e.g. https://www.example.com".into()),
                ));
            }
            Val::Str(text)
        }
        Ty::Date => match cell {
            Cell::Date(d) => Val::Date(*d),
            Cell::Number(n) => {
                return Err((
                    format!("`{}` is a number, not a date", toml_text::format_number(*n)),
                    Some("format the cell as a date, or write the date as text: 2024-03-01 or 2024/3/1".into()),
                ));
            }
            _ => Val::Date(parse_date(&text).ok_or_else(|| {
                (
                    format!("`{text}` is not a date"),
                    Some(
                        "write dates as YYYY-MM-DD or YYYY/M/D, e.g. 2024-03-01 or 2024/3/1".into(),
                    ),
                )
            })?),
        },
        Ty::Bool => match cell {
            Cell::Bool(b) => Val::Bool(*b),
            _ => Val::Bool(parse_bool(&text).ok_or_else(|| {
                (
                    format!("`{text}` is not yes or no"),
                    Some("write 是 or 否 (also yes/no, true/false, 1/0)".into()),
                )
            })?),
        },
        Ty::Status => Val::Str(lookup(STATUSES, &text, "status")?),
        Ty::Category => Val::Str(lookup(CATEGORIES, &text, "category")?),
        Ty::Kind => Val::Str(lookup(KINDS, &text, "kind")?),
        Ty::Industry => {
            let lower = text.to_lowercase();
            let found = info.industries.iter().find(|(key, names)| {
                key.to_lowercase() == lower
                    || names.iter().any(|n| n.trim().to_lowercase() == lower)
            });
            match found {
                Some((key, _)) => Val::Str(key.clone()),
                None => {
                    let known: Vec<String> = info
                        .industries
                        .iter()
                        .map(|(k, names)| match names.first() {
                            Some(name) => format!("{k} ({name})"),
                            None => k.clone(),
                        })
                        .collect();
                    return Err((
                        format!("`{text}` is not an industry of the zone"),
                        Some(if known.is_empty() {
                            "site.toml has no [[zone.industries]] yet; add the industry there first"
                                .into()
                        } else {
                            format!("use a key or name from site.toml: {}", known.join(", "))
                        }),
                    ));
                }
            }
        }
        Ty::FactorValue => match cell {
            Cell::Number(n) => Val::Number(*n),
            _ => match text.parse::<f64>() {
                Ok(n) if n.is_finite() => Val::Number(n),
                _ => Val::Text(BTreeMap::from([(String::new(), text)])),
            },
        },
    };
    Ok(Some(value))
}

/// `2024-03-01`, `2024/3/1`, `2024-3-1`, `2024.3.1` or `2024年3月1日`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let normalized: String = text
        .trim()
        .trim_end_matches('日')
        .chars()
        .map(|c| {
            if matches!(c, '/' | '.' | '年' | '月') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut parts = normalized.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "是" | "yes" | "y" | "true" | "1" => Some(true),
        "否" | "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn lookup<T: Coded>(table: &[(T, &[&str])], text: &str, what: &str) -> Result<String, CellError> {
    let lower = text.trim().to_lowercase();
    table
        .iter()
        .find(|(value, names)| value.code() == lower || names.contains(&lower.as_str()))
        .map(|(value, _)| value.code().to_owned())
        .ok_or_else(|| {
            let choices: Vec<String> = table
                .iter()
                .map(|(value, names)| match names.first() {
                    Some(name) => format!("{}/{name}", value.code()),
                    None => value.code().to_owned(),
                })
                .collect();
            (
                format!("`{text}` is not a {what}"),
                Some(format!("use one of: {}", choices.join(", "))),
            )
        })
}

/// The files an import would write (old text, new text) and each row's effect.
#[derive(Debug, Default)]
struct Plan {
    files: BTreeMap<PathBuf, (Option<String>, String)>,
    changes: Vec<EntryChange>,
    /// New entries are published rather than drafts.
    publish: bool,
}

impl Plan {
    fn tenants(
        &mut self,
        root: &Path,
        park_dir: &Path,
        rows: &[RowData],
        info: &SiteInfo,
        problems: &mut Vec<Diagnostic>,
    ) {
        let default = info.default_lang();
        for row in rows {
            let Some(key) = row.str("key") else { continue };
            let path = park_dir.join("tenants").join(format!("{key}.md"));
            let shown = display(root, &path);
            let old = if path.exists() {
                match std::fs::read_to_string(&path) {
                    Ok(text) => Some(text),
                    Err(e) => {
                        problems.push(
                            row_problem(
                                row.number,
                                row.cell("key"),
                                format!("cannot read `{shown}`: {e}"),
                            )
                            .with_hint("save it as UTF-8 and check that you may read it"),
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            let (prefix, front, suffix) = match &old {
                Some(text) => match split_front(text) {
                    Some(parts) => parts,
                    None => {
                        problems.push(
                            row_problem(row.number, row.cell("key"), format!("`{shown}` has no +++ front matter"))
                                .with_hint("a tenant file starts with a +++ line, its fields, and another +++ line; fix it, then import again"),
                        );
                        continue;
                    }
                },
                None => ("+++\n".to_owned(), String::new(), "+++\n".to_owned()),
            };
            let mut doc: DocumentMut = match front.parse() {
                Ok(doc) => doc,
                Err(e) => {
                    problems.push(
                        row_problem(
                            row.number,
                            row.cell("key"),
                            format!(
                                "the front matter of `{shown}` does not parse: {}",
                                e.message()
                            ),
                        )
                        .with_hint(
                            "fix the file first (`parkpress check` shows where), then import again",
                        ),
                    );
                    continue;
                }
            };
            if old.is_none() && row.text("name", default).is_none() {
                problems.push(
                    row_problem(
                        row.number,
                        row.cell("key"),
                        format!("tenant `{key}` is new, and the row has no name"),
                    )
                    .with_hint(format!(
                        "fill in `name`/`名称` ({default}); a new tenant needs a name"
                    )),
                );
                continue;
            }
            // The key names the file; it is not a field of the front matter.
            let Some(mut fields) =
                apply(doc.as_table_mut(), &TENANT_FIELDS[1..], row, info, problems)
            else {
                continue;
            };
            if old.is_none() {
                fields.extend(self.draft_unless_published(doc.as_table_mut()));
            }
            let new = format!("{prefix}{doc}{suffix}");
            let Some(front_new) = split_front(&new).map(|(_, f, _)| f) else {
                continue;
            };
            if let Err(e) = toml::from_str::<crate::content::raw::RawTenant>(&front_new) {
                let created = old.is_none();
                problems.push(invalid_result(
                    row.number,
                    &shown,
                    &front,
                    e.message(),
                    |t| created || toml::from_str::<crate::content::raw::RawTenant>(t).is_ok(),
                ));
                continue;
            }
            self.record(
                row.number,
                &shown,
                format!("tenant `{key}`"),
                old.is_none(),
                fields,
            );
            self.files.insert(path, (old, new));
        }
    }

    fn park(
        &mut self,
        root: &Path,
        park_dir: &Path,
        kind: ImportKind,
        rows: &[RowData],
        info: &SiteInfo,
        problems: &mut Vec<Diagnostic>,
    ) {
        let path = park_dir.join("park.toml");
        let shown = display(root, &path);
        let file_problem = |message: String| {
            Diagnostic::error("import-file", message)
                .with_hint("fix the file first (`parkpress check` shows where), then import again")
        };
        let old = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(file_problem(format!("cannot read `{shown}`: {e}")));
                return;
            }
        };
        let mut doc: DocumentMut = match old.trim_start_matches('\u{feff}').parse() {
            Ok(doc) => doc,
            Err(e) => {
                problems.push(file_problem(format!(
                    "`{shown}` does not parse: {}",
                    e.message()
                )));
                return;
            }
        };
        let list_name = kind.name();
        let item = doc
            .as_table_mut()
            .entry(list_name)
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
        if !item.is_array_of_tables() {
            match std::mem::take(item).into_array_of_tables() {
                Ok(array) => *item = Item::ArrayOfTables(array),
                Err(_) => {
                    problems.push(file_problem(format!(
                        "`{list_name}` in `{shown}` is not a list of [[{list_name}]] entries"
                    )));
                    return;
                }
            }
        }
        let Some(list) = item.as_array_of_tables_mut() else {
            return;
        };
        let default = info.default_lang();
        for row in rows {
            let found = list.iter().position(|t| match kind {
                ImportKind::Policies => t.get("key").and_then(Item::as_str) == row.str("key"),
                _ => {
                    t.get("kind").and_then(Item::as_str) == row.str("kind")
                        && toml_text::get_text(t, "label", default)
                            .get(default)
                            .map(String::as_str)
                            == row.text("label", default)
                }
            });
            let (entry, created) = match kind {
                ImportKind::Policies => (
                    format!("policy `{}`", row.str("key").unwrap_or_default()),
                    found.is_none(),
                ),
                _ => {
                    let label = row
                        .text("label", default)
                        .map(|l| format!(" `{l}`"))
                        .unwrap_or_default();
                    (
                        format!("factor {}{label}", row.str("kind").unwrap_or_default()),
                        found.is_none(),
                    )
                }
            };
            if kind == ImportKind::Policies && created {
                let missing: Vec<&str> = ["title", "summary"]
                    .into_iter()
                    .filter(|f| row.text(f, default).is_none())
                    .collect();
                if !missing.is_empty() {
                    problems.push(
                        row_problem(
                            row.number,
                            row.cell("key"),
                            format!(
                                "{entry} is new, and the row has no {}",
                                missing.join(" and ")
                            ),
                        )
                        .with_hint(format!(
                            "a new policy needs `title`/`标题` and `summary`/`摘要` in {default}"
                        )),
                    );
                    continue;
                }
            }
            let index = match found {
                Some(index) => index,
                None => {
                    let mut table = Table::new();
                    table.decor_mut().set_prefix("\n");
                    list.push(table);
                    list.len() - 1
                }
            };
            let Some(table) = list.get_mut(index) else {
                continue;
            };
            let Some(mut fields) = apply(table, kind.fields(), row, info, problems) else {
                continue;
            };
            if created {
                fields.extend(self.draft_unless_published(table));
            }
            self.record(row.number, &shown, entry, created, fields);
        }
        let new = doc.to_string();
        if let Err(e) = toml::from_str::<crate::content::raw::RawPark>(&new) {
            problems.push(invalid_result(0, &shown, &old, e.message(), |t| {
                toml::from_str::<crate::content::raw::RawPark>(t).is_ok()
            }));
            return;
        }
        self.files.insert(path, (Some(old), new));
    }

    /// Marks an entry the sheet adds as a draft, unless the import publishes: staff look at
    /// imported rows on `serve --drafts` before they go live, as with what `new` writes.
    fn draft_unless_published(&self, table: &mut dyn TableLike) -> Option<FieldChange> {
        (!self.publish)
            .then(|| toml_text::set_value(table, "draft", Value::from(true)))
            .flatten()
    }

    fn record(
        &mut self,
        row: u32,
        file: &str,
        entry: String,
        created: bool,
        fields: Vec<FieldChange>,
    ) {
        let action = if created {
            Action::Create
        } else if fields.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        };
        self.changes.push(EntryChange {
            row,
            file: file.to_owned(),
            entry,
            action,
            fields,
        });
    }
}

/// A result that does not parse as content: the old file was already invalid, or a value slipped
/// through the checks above.
fn invalid_result(
    row: u32,
    file: &str,
    old: &str,
    message: &str,
    old_is_valid: impl Fn(&str) -> bool,
) -> Diagnostic {
    let problem = if old_is_valid(old) {
        Diagnostic::error(
            "import-invalid",
            format!(
                "the import would leave `{file}` invalid: {}",
                message.trim()
            ),
        )
        .with_hint("check the row's values against the README's content format")
    } else {
        Diagnostic::error(
            "import-invalid",
            format!("`{file}` has errors already: {}", message.trim()),
        )
        .with_hint("fix the file first (`parkpress check` shows where), then import again")
    };
    match row {
        0 => problem,
        row => problem.at_row(row, None),
    }
}

/// A problem in a row of the sheet (the header is row 1), at a column when one is named.
fn row_problem(
    row: u32,
    column: Option<(String, String)>,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error("import-row", message).at_row(row, column)
}

/// Sets the row's fields in `table` in the order of `fields`; `None` when a value cannot be set.
fn apply(
    table: &mut dyn TableLike,
    fields: &[Field],
    row: &RowData,
    info: &SiteInfo,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<FieldChange>> {
    let mut changes = Vec::new();
    let default = info.default_lang();
    for field in fields {
        let Some(value) = row.values.get(field.name) else {
            continue;
        };
        let value = match value {
            Val::Text(texts) => {
                // A factor whose value was a number and becomes text must lose the number first.
                if field.ty == Ty::FactorValue
                    && table
                        .get(field.name)
                        .and_then(Item::as_value)
                        .is_some_and(|v| !v.is_str() && !v.is_inline_table())
                {
                    table.remove(field.name);
                }
                match toml_text::set_text(table, field.name, texts, &info.languages) {
                    Ok(c) => changes.extend(c),
                    Err(TextError::NoDefault) => {
                        problems.push(
                            row_problem(row.number, row.cell(field.name), format!("`{}` has no {default} text", field.name))
                                .with_hint(format!("fill in the `{}` column too: every text needs the default language ({default})", field.headers[0])),
                        );
                        return None;
                    }
                }
                continue;
            }
            Val::Str(s) => Value::from(s.as_str()),
            Val::Date(d) => toml_text::date_value(*d),
            Val::Bool(b) => Value::from(*b),
            Val::Number(n) => toml_text::number_value(*n),
        };
        changes.extend(toml_text::set_value(table, field.name, value));
    }
    Some(changes)
}

/// Splits `+++` front matter: the opening line, the TOML, and the rest from the closing line on.
fn split_front(text: &str) -> Option<(String, String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match crate::content::parse::locate_front_matter(text) {
        crate::content::parse::FrontMatter::Closed { toml, .. } => Some((
            text[..toml.start].to_owned(),
            text[toml.clone()].to_owned(),
            text[toml.end..].to_owned(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_ways_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1);
        assert_eq!(parse_date("2024-03-01"), d);
        assert_eq!(parse_date("2024/3/1"), d);
        assert_eq!(parse_date("2024年3月1日"), d);
        assert_eq!(parse_date("2024-13-45"), None);
        assert_eq!(parse_date("24/3/1"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn booleans_and_enums() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("No"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(lookup(STATUSES, "签约", "status").unwrap(), "signed");
        assert_eq!(lookup(KINDS, "电", "kind").unwrap(), "electricity");
        assert_eq!(lookup(CATEGORIES, "Rent", "category").unwrap(), "rent");
        assert!(lookup(CATEGORIES, "补贴", "category").is_err());
    }

    #[test]
    fn splits_front_matter_keeping_the_body() {
        let (open, front, rest) = split_front("+++\nname = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(
            (open.as_str(), front.as_str(), rest.as_str()),
            ("+++\n", "name = \"a\"\n", "+++\nbody\n")
        );
        assert!(split_front("no front matter").is_none());
    }
}
