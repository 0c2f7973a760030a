//! Reading one sheet of a spreadsheet: xlsx, xls, xlsb and ods through calamine, CSV through the
//! csv crate in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK (what Excel on Chinese
//! Windows saves). Rows keep the numbers the spreadsheet shows, so errors can name them.

use anyhow::Context as _;
use calamine::{Data, Reader};
use chrono::NaiveDate;
use std::path::Path;

/// One cell's value as the spreadsheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (integers included).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A cell formatted as a date.
    Date(NaiveDate),
    /// A cell Excel could not compute (`#N/A`, `#DIV/0!`…).
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row with the number the spreadsheet shows for it (1-based).
#[derive(Debug, Clone)]
pub struct Row {
    /// Row number as shown in the spreadsheet.
    pub number: u32,
    /// Cells from the first used column on.
    pub cells: Vec<Cell>,
}

/// A sheet read into memory.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Its name (the file name for CSV).
    pub name: String,
    /// The text encoding detected (CSV only).
    pub encoding: Option<&'static str>,
    /// 0-based index of the first used column, for column letters.
    pub first_column: u32,
    /// Every row from the first used one, the header first.
    pub rows: Vec<Row>,
}

impl Sheet {
    /// The column letter (`A`, `B`, … `AA`) of a cell index within [`Row::cells`].
    pub fn column_letter(&self, index: usize) -> String {
        column_letter(self.first_column as usize + index)
    }
}

/// `A` for 0, `Z` for 25, `AA` for 26.
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// Reads the sheet `name` (default: the first) of the spreadsheet at `path`.
pub fn read(path: &Path, name: Option<&str>) -> anyhow::Result<Sheet> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" | "tsv" => {
            if let Some(name) = name {
                anyhow::bail!(
                    "--sheet {name}: a CSV file has only one sheet\n  = help: leave out --sheet, \
                     or export the sheet you want from the workbook"
                );
            }
            read_csv(path)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path, name),
        _ => anyhow::bail!(
            "`{}` is not a spreadsheet parkpress reads\n  = help: save it as .xlsx, .xls, .ods or \
             .csv",
            path.display()
        ),
    }
}

fn read_workbook(path: &Path, name: Option<&str>) -> anyhow::Result<Sheet> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read `{}`: {e}\n  = help: check that the file exists and opens in Excel or \
             WPS; save it again as .xlsx if it does",
            path.display()
        )
    })?;
    let names = workbook.sheet_names();
    let chosen = match name {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("`{}` has no sheet", path.display()))?,
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "`{}` has no sheet `{wanted}`\n  = help: its sheets are {}",
                    path.display(),
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
    };
    let range = workbook.worksheet_range(&chosen).map_err(|e| {
        anyhow::anyhow!("cannot read sheet `{chosen}` of `{}`: {e}", path.display())
    })?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first_row + i as u32 + 1,
            cells: cells.iter().map(cell).collect(),
        })
        .collect();
    Ok(Sheet {
        name: chosen,
        encoding: None,
        first_column,
        rows,
    })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
                .map_or_else(|| Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

fn read_csv(path: &Path) -> anyhow::Result<Sheet> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let (text, encoding) = decode(&bytes).ok_or_else(|| {
        anyhow::anyhow!(
            "`{}` is neither UTF-8 nor GBK text\n  = help: in Excel, save it as \"CSV UTF-8\"; or \
             import the .xlsx file itself",
            path.display()
        )
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first_line.matches(char::from(*d)).count())
        .filter(|d| first_line.contains(char::from(*d)))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            anyhow::anyhow!(
                "`{}` is not valid CSV near row {}: {e}\n  = help: check for an unclosed \" quote",
                path.display(),
                i + 1
            )
        })?;
        rows.push(Row {
            number: i as u32 + 1,
            cells: record
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_owned())
                    }
                })
                .collect(),
        });
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Sheet {
        name,
        encoding: Some(encoding),
        first_column: 0,
        rows,
    })
}

/// Decodes CSV bytes: UTF-8 first (a BOM is dropped), then UTF-16 with a BOM, then GBK.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .ok()
            .map(|s| (s.to_owned(), "UTF-8 with BOM"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_owned(), "UTF-8"));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        return (!had_errors).then(|| (text.into_owned(), encoding.name()));
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "GBK"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(52), "BA");
    }

    #[test]
    fn decodes_utf8_bom_and_gbk() {
        assert_eq!(decode("名称".as_bytes()).unwrap().1, "UTF-8");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("名称".as_bytes());
        assert_eq!(decode(&bom).unwrap(), ("名称".to_owned(), "UTF-8 with BOM"));
        let (gbk, _, _) = encoding_rs::GBK.encode("名称,状态");
        assert_eq!(decode(&gbk).unwrap(), ("名称,状态".to_owned(), "GBK"));
    }
}
