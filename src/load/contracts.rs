//! Loads the KPI returns in `contracts/kpis/`, in long or wide layout, from CSV, .xlsx or .ods
//! (the register itself is `register.rs`).

use super::fields::{read_rows_in_parallel, Columns, Fields};
use super::table::{normalise_header, Cell, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Kpi, KpiPoint, Period, Polarity, StockOrFlow};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
const POLARITIES: &[&str] = &["higher_is_better", "lower_is_better", "no_judgement"];

/// The KPI values of consecutive rows of one return that agree on everything but the period and
/// values (contract, KPI, name, unit, polarity, stock or flow), before grouping into series: the
/// shared cells are kept once per run, not once per value.
#[derive(Debug, Clone)]
pub struct KpiRun {
    pub contract_id: String,
    pub kpi_id: String,
    pub kpi_name: String,
    pub unit: Option<String>,
    pub polarity: Option<Polarity>,
    /// The `stock_or_flow` cell, when given.
    pub stock_or_flow: Option<StockOrFlow>,
    /// The values, in row (long layout) or column (wide layout) order.
    pub points: Vec<KpiPoint>,
    /// The first row's `contract_id` cell, where a problem with the KPI as a whole is reported.
    pub origin: crate::model::Origin,
}

/// The cells a row shares with the rest of its run, as read (borrowed where they are text).
struct RunCells<'a> {
    contract_id: Cow<'a, str>,
    kpi_id: Cow<'a, str>,
    kpi_name: Cow<'a, str>,
    unit: Option<Cow<'a, str>>,
    polarity: Option<Polarity>,
    stock_or_flow: Option<StockOrFlow>,
}

/// A run as loading keeps it between builds: its values shared, so a series read as one run
/// takes them without a copy (and `serve` tells an unchanged series by pointer).
#[derive(Debug, Clone)]
pub struct SharedRun {
    /// The run, its values taken out.
    head: KpiRun,
    points: Arc<[KpiPoint]>,
}

impl KpiRun {
    /// The run with its values shared.
    pub fn shared(mut self) -> SharedRun {
        let points = std::mem::take(&mut self.points).into();
        SharedRun { head: self, points }
    }

    /// True when `other` is of the same contract and KPI with the same name, unit, polarity and
    /// stock or flow.
    fn same_series(&self, other: &KpiRun) -> bool {
        self.contract_id == other.contract_id
            && self.kpi_id == other.kpi_id
            && self.kpi_name == other.kpi_name
            && self.unit == other.unit
            && self.polarity == other.polarity
            && self.stock_or_flow == other.stock_or_flow
    }
}

impl RunCells<'_> {
    fn continues(&self, run: &KpiRun) -> bool {
        run.contract_id == self.contract_id
            && run.kpi_id == self.kpi_id
            && run.kpi_name == self.kpi_name
            && run.unit.as_deref() == self.unit.as_deref()
            && run.polarity == self.polarity
            && run.stock_or_flow == self.stock_or_flow
    }

    fn start(self, origin: crate::model::Origin, capacity: usize) -> KpiRun {
        KpiRun {
            contract_id: self.contract_id.into_owned(),
            kpi_id: self.kpi_id.into_owned(),
            kpi_name: self.kpi_name.into_owned(),
            unit: self.unit.map(Cow::into_owned),
            polarity: self.polarity,
            stock_or_flow: self.stock_or_flow,
            points: Vec::with_capacity(capacity),
            origin,
        }
    }
}

/// True when a table is KPI returns in either layout.
pub fn is_kpi_return(table: &Table) -> bool {
    table.has_columns(&["contract_id", "kpi_id"])
}

/// True when a KPI table is in the wide layout (no `period` column, one column per period).
pub fn is_wide(table: &Table) -> bool {
    table.has_columns(&["kpi_id"]) && !table.has_columns(&["period"])
}

/// Reads a KPI return table in either layout.
pub fn read_kpis(table: &Table, diags: &mut Diagnostics) -> Vec<KpiRun> {
    if is_wide(table) {
        read_kpis_wide(table, diags)
    } else {
        read_kpis_long(table, diags)
    }
}

fn read_kpis_long(table: &Table, diags: &mut Diagnostics) -> Vec<KpiRun> {
    let Some(cols) = Columns::resolve(
        table,
        &[
            "contract_id",
            "kpi_id",
            "kpi_name",
            "period",
            "actual",
            "target",
        ],
        &[
            "unit",
            "polarity",
            "rebase",
            "rebase_reason",
            "stock_or_flow",
        ],
        diags,
    ) else {
        return Vec::new();
    };
    let mut out: Vec<KpiRun> = Vec::new();
    read_rows_in_parallel(
        table,
        diags,
        |rows, diags| read_long_rows(table, rows, &cols, diags),
        |runs| {
            for run in runs {
                match out.last_mut() {
                    // A run cut where the rows were split into chunks is joined again.
                    Some(last) if last.same_series(&run) => last.points.extend(run.points),
                    _ => out.push(run),
                }
            }
        },
    );
    out
}

/// Reads consecutive rows of a long-layout return into runs.
fn read_long_rows(
    table: &Table,
    rows: &[Row],
    cols: &Columns,
    diags: &mut Diagnostics,
) -> Vec<KpiRun> {
    let mut out: Vec<KpiRun> = Vec::new();
    for row in rows {
        let mut f = Fields::new(table, row, cols, diags);
        let contract_id = f.id_cow("contract_id");
        let kpi_id = f.id_cow("kpi_id");
        let kpi_name = f.required_text_cow("kpi_name");
        let period = f.period("period");
        let actual = f.number("actual");
        let target = f.number("target");
        let unit = f.text_cow("unit");
        let polarity = f.choice("polarity", POLARITIES, Polarity::parse);
        let rebase = f.boolean("rebase").unwrap_or(false);
        let rebase_reason = f.text("rebase_reason");
        let stock_or_flow = f.choice("stock_or_flow", &StockOrFlow::ALL, StockOrFlow::parse);
        let origin = f.origin_at("period");
        let (Some(contract_id), Some(kpi_id), Some(kpi_name), Some(period)) =
            (contract_id, kpi_id, kpi_name, period)
        else {
            continue;
        };
        let point = KpiPoint {
            period,
            actual,
            target,
            rebase: rebase || rebase_reason.is_some(),
            rebase_reason,
            origin,
        };
        let cells = RunCells {
            contract_id,
            kpi_id,
            kpi_name,
            unit,
            polarity,
            stock_or_flow,
        };
        match out.last_mut() {
            Some(run) if cells.continues(run) => run.points.push(point),
            _ => {
                // A return usually has as many periods for each KPI: room for as many points as
                // the last run had, which the shrink below then leaves as it is.
                let mut room = 1;
                if let Some(run) = out.last_mut() {
                    run.points.shrink_to_fit();
                    room = run.points.len();
                }
                let mut run = cells.start(f.origin_at("contract_id"), room);
                run.points.push(point);
                out.push(run);
            }
        }
    }
    if let Some(run) = out.last_mut() {
        run.points.shrink_to_fit();
    }
    out
}

/// The period a wide layout's column header names: `Err` with the message and hint when it names
/// none, or one that starts or ends outside 1900 to 2100.
fn header_period(cell: &Cell) -> Result<Period, (&'static str, &'static str)> {
    let not_a_period = (
        "column header is not a period",
        "in the wide layout every column after target is headed by a period such as 2024-04, Apr 2024 or a date",
    );
    let period = match cell {
        Cell::Date(d) => Period::month(chrono::Datelike::year(d), chrono::Datelike::month(d))
            .ok_or(not_a_period)?,
        other => Period::parse(&other.display()).map_err(|_| not_a_period)?,
    };
    let years = super::fields::YEARS;
    if years.contains(&chrono::Datelike::year(&period.start))
        && years.contains(&chrono::Datelike::year(&period.end))
    {
        Ok(period)
    } else {
        Err((
            "year outside 1900 to 2100",
            "check the year; periods are read from 1900 to 2100",
        ))
    }
}

/// The period column where a wide row's new SPC phase starts: its `rebase` cell names the period
/// (`2025-06`, `Jun 2025` or a date cell in that month), the wide layout having one row per KPI.
/// A yes/no value cannot say where, so it is an error naming the columns.
fn wide_rebase_period(f: &mut Fields, periods: &[(usize, Period)]) -> Option<usize> {
    if f.is_blank("rebase") {
        return None;
    }
    let text = f.text("rebase").unwrap_or_default();
    let at = if super::fields::parse_bool(&text).is_some() {
        None
    } else {
        f.period("rebase").and_then(|r| {
            periods
                .iter()
                .find(|(_, p)| p.start <= r.start && r.start <= p.end)
                .map(|(i, _)| *i)
        })
    };
    if at.is_none() {
        let first = periods.first().map(|(_, p)| p.label.as_ref()).unwrap_or("");
        let d = f
            .error("rebase", "rebase does not name one of the period columns")
            .value(text)
            .hint(format!(
                "in the wide layout, rebase names the period where the new phase starts, e.g. {first}"
            ));
        f.diags.push(d);
    }
    at
}

fn read_kpis_wide(table: &Table, diags: &mut Diagnostics) -> Vec<KpiRun> {
    const FIXED: [&str; 6] = [
        "contract_id",
        "kpi_id",
        "kpi_name",
        "unit",
        "polarity",
        "target",
    ];
    let Some(cols) = Columns::resolve(
        table,
        &["contract_id", "kpi_id", "kpi_name"],
        &[
            "unit",
            "polarity",
            "target",
            "rebase",
            "rebase_reason",
            "stock_or_flow",
        ],
        diags,
    ) else {
        return Vec::new();
    };
    let fixed: Vec<String> = FIXED
        .iter()
        .chain(["rebase", "rebase_reason", "stock_or_flow"].iter())
        .map(|n| normalise_header(n))
        .collect();
    let mut periods: Vec<(usize, Period)> = Vec::new();
    for (i, cell) in table.header.iter().enumerate() {
        if cell.is_empty() || fixed.contains(&normalise_header(&cell.display())) {
            continue;
        }
        match header_period(cell) {
            Ok(p) => periods.push((i, p)),
            Err((message, hint)) => {
                diags.push(
                    Diagnostic::error(
                        &table.file,
                        table.location(table.header_row, Some(i)),
                        message,
                    )
                    .value(cell.display())
                    .hint(hint),
                );
            }
        }
    }
    // A column whose header is not a period is reported once, above; the rows are still read
    // (in the other columns) so their own problems come in the same run.
    let mut out = Vec::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let contract_id = f.id_cow("contract_id");
        let kpi_id = f.id_cow("kpi_id");
        let kpi_name = f.required_text_cow("kpi_name");
        let unit = f.text_cow("unit");
        let polarity = f.choice("polarity", POLARITIES, Polarity::parse);
        let target = f.number("target");
        let stock_or_flow = f.choice("stock_or_flow", &StockOrFlow::ALL, StockOrFlow::parse);
        let rebase_at = wide_rebase_period(&mut f, &periods);
        let rebase_reason = f.text("rebase_reason");
        let row_origin = f.origin_at("contract_id");
        let (Some(contract_id), Some(kpi_id), Some(kpi_name)) = (contract_id, kpi_id, kpi_name)
        else {
            continue;
        };
        let cells = RunCells {
            contract_id,
            kpi_id,
            kpi_name,
            unit,
            polarity,
            stock_or_flow,
        };
        let mut run = cells.start(row_origin, periods.len());
        for (i, period) in &periods {
            let cell = row.cells.get(*i).unwrap_or(&Cell::Empty);
            let location = table.location(row.number, Some(*i));
            let actual = match cell {
                Cell::Empty => None,
                Cell::Number(n) if n.is_finite() => Some(*n),
                Cell::Error(code) => {
                    diags.push(
                        Diagnostic::warning(
                            &table.file,
                            location.clone(),
                            "Excel error value read as missing",
                        )
                        .column(period.label.to_string())
                        .value(code.clone()),
                    );
                    None
                }
                other => {
                    let text = other.display_cow();
                    match super::fields::parse_number_in(&text, table.decimal_comma) {
                        Ok(n) => Some(n),
                        Err(why) => {
                            diags.push(
                                Diagnostic::error(&table.file, location.clone(), why)
                                    .column(period.label.to_string())
                                    .value(text.into_owned())
                                    .hint(super::fields::number_hint(why)),
                            );
                            None
                        }
                    }
                }
            };
            if actual.is_none() && target.is_none() {
                continue;
            }
            run.points.push(KpiPoint {
                period: period.clone(),
                actual,
                target,
                rebase: rebase_at == Some(*i),
                rebase_reason: rebase_reason.clone().filter(|_| rebase_at == Some(*i)),
                origin: crate::model::Origin {
                    file: table.file.clone(),
                    location: Some(location),
                    keys: Default::default(),
                },
            });
        }
        if !run.points.is_empty() {
            run.points.shrink_to_fit();
            out.push(run);
        }
    }
    out
}

/// Groups KPI runs into series per contract and KPI, in period order; two values for the same
/// period are an error (reported in the order the values were read). A series read as one run in
/// strictly increasing period order (the usual return) keeps the run's values as they are.
pub fn group_kpis(
    runs: Vec<SharedRun>,
    diags: &mut Diagnostics,
) -> BTreeMap<(String, String), Kpi> {
    let mut out: BTreeMap<(String, String), Kpi> = BTreeMap::new();
    // Series made of several runs, or of one out of order: their values so far.
    let mut merged: BTreeMap<(String, String), Vec<KpiPoint>> = BTreeMap::new();
    for run in runs {
        let SharedRun {
            head:
                KpiRun {
                    contract_id,
                    kpi_id,
                    kpi_name,
                    unit,
                    polarity,
                    stock_or_flow,
                    points: _,
                    origin,
                },
            points,
        } = run;
        let key = (contract_id, kpi_id);
        let increasing = points.windows(2).all(|w| w[0].period < w[1].period);
        if increasing && !out.contains_key(&key) {
            let kpi = Kpi {
                contract_id: key.0.clone(),
                kpi_id: key.1.clone(),
                name: kpi_name,
                unit,
                polarity: polarity.unwrap_or_default(),
                stock_or_flow,
                points,
                origin,
            };
            out.insert(key, kpi);
            continue;
        }
        let kpi = out.entry(key.clone()).or_insert_with_key(|(c, k)| Kpi {
            contract_id: c.clone(),
            kpi_id: k.clone(),
            name: kpi_name,
            unit: unit.clone(),
            polarity: polarity.unwrap_or_default(),
            stock_or_flow,
            points: Arc::from([]),
            origin,
        });
        if kpi.unit.is_none() {
            kpi.unit = unit;
        }
        if let Some(p) = polarity {
            kpi.polarity = p;
        }
        if kpi.stock_or_flow.is_none() {
            kpi.stock_or_flow = stock_or_flow;
        }
        let values = merged.entry(key).or_insert_with(|| kpi.points.to_vec());
        for point in points.iter() {
            if let Some(first) = values.iter().find(|p| p.period == point.period) {
                diags.push(
                    Diagnostic::error(
                        &point.origin.file,
                        point.origin.location(),
                        "two values for the same KPI and period",
                    )
                    .value(format!(
                        "{} {} {}",
                        kpi.contract_id, kpi.kpi_id, point.period
                    ))
                    .hint(format!(
                        "first given at {}",
                        Diagnostic::error(&first.origin.file, first.origin.location(), "").place()
                    )),
                );
                continue;
            }
            values.push(point.clone());
        }
    }
    for (key, mut values) in merged {
        values.sort_by(|a, b| a.period.cmp(&b.period));
        if let Some(kpi) = out.get_mut(&key) {
            kpi.points = values.into();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Location, MAX_PER_FILE};
    use crate::load::table::read_csv_bytes;

    /// A return long enough to be read in several chunks: runs cut at a chunk's edge are joined,
    /// and the problems kept within the file's limit are the first ones in row order.
    #[test]
    fn a_long_return_read_in_chunks_reads_as_one_pass() {
        let mut csv = String::from("contract_id,kpi_id,kpi_name,period,actual,target\n");
        let mut bad_lines = Vec::new();
        for i in 0..10_000 {
            let (kpi, month) = (i / 40, i % 40);
            let actual = if i % 50 == 7 {
                bad_lines.push(i + 2);
                "abc".to_string()
            } else {
                i.to_string()
            };
            csv.push_str(&format!(
                "C-{kpi:03},K1,KPI {kpi},{}-{:02},{actual},5\n",
                2020 + month / 12,
                month % 12 + 1
            ));
        }
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "contracts/kpis/r.csv", &mut d).unwrap();
        let runs = read_kpis(&t, &mut d);
        assert_eq!(runs.len(), 250);
        assert!(runs.iter().all(|r| r.points.len() == 40));
        let lines: Vec<usize> = d
            .iter()
            .map(|x| match x.location {
                Location::Line(n) => n,
                _ => 0,
            })
            .collect();
        assert_eq!(lines, bad_lines[..MAX_PER_FILE]);
        assert_eq!(d.error_count(), 200);
        let kpis = group_kpis(runs.into_iter().map(KpiRun::shared).collect(), &mut d);
        assert_eq!(kpis.len(), 250);
        // KPI 102 is rows 4080 to 4119: the first chunk ends at row 4095.
        let k = &kpis[&("C-102".to_string(), "K1".to_string())];
        assert_eq!(k.points.len(), 40);
        assert_eq!(&*k.points[0].period.label, "2020-01");
        assert_eq!(&*k.points[39].period.label, "2023-04");
        assert_eq!(k.points[2].actual, Some(4082.0));
        assert_eq!(k.points[39].actual, Some(4119.0));
    }
}
