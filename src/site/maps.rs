//! Maps as data on needs pages: for an indicator, each boundary layer that has areas with data
//! becomes a choropleth of the latest values coloured by comparison with the benchmark, with its
//! legend; the overview gets one small map per indicator that reuses outlines drawn once. Each map
//! is a specification serialised under `$map`; `render` projects and draws it (render/map.rs).

use super::needs::comparison_cell;
use super::{area_path, href};
use crate::analysis::needs::Comparison;
use crate::analysis::Analysis;
use crate::load::theme::Strings;
use crate::model::Crs;
use crate::model::{Boundary, BoundaryLayer, Indicator, Project};
use serde::{Deserialize, Serialize};

/// A map of a page: its id, title and text alternative, with what it draws under `$map` (how
/// `render` finds the maps to draw in a view). A template receives the drawn map (`id`, `title`,
/// `description`, `svg`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Map {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(rename = "$map")]
    pub drawing: Drawing,
}

/// What a map draws.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Drawing {
    pub crs: Crs,
    pub style: Style,
    /// The areas in drawing order.
    pub areas: Vec<MapArea>,
    /// Prefix of the outline ids (`outlines` and `small` maps).
    pub prefix: String,
    /// Relative prefix from the page to the site root, for the areas' links.
    pub root: String,
}

/// How a map is drawn.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// One linked path per area, labelled when there are few.
    Full,
    /// The areas' outlines as `<defs>`, for small maps on the same page.
    Outlines,
    /// One `<use>` per area of the outlines with the same prefix, no labels.
    Small,
}

/// One area of a map: its outline (empty for a small map, which reuses the page's outlines), its
/// comparison class, its label, the text of its tooltip and the page it links to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MapArea {
    pub code: String,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
    pub class: String,
    pub label: String,
    pub tooltip: String,
    pub href: String,
}

/// One legend entry: the comparison's class, its words and how many areas have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LegendItem {
    pub class: String,
    pub label: String,
    pub count: usize,
}

/// A map with its legend.
#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub map: Map,
    pub legend: Vec<LegendItem>,
}

/// Legend order: better first, then similar, worse, the no-judgement pair, then the rest.
const ORDER: [&str; 9] = [
    "cmp-best",
    "cmp-better",
    "cmp-similar",
    "cmp-worse",
    "cmp-worst",
    "cmp-higher",
    "cmp-lower",
    "cmp-not_compared",
    "cmp-none",
];

fn bbox<'b>(areas: impl Iterator<Item = &'b Boundary>) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for [x, y] in areas.flat_map(|a| a.polygons.iter().flatten().flatten()) {
        b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
    }
    b[0].is_finite().then_some(b)
}

/// The areas of `layer` to draw for an indicator: those with a latest value, and those without
/// one that lie within the same bounds (drawn as "no data" so the map has no holes).
fn drawn(layer: &BoundaryLayer, has_value: impl Fn(&str) -> bool) -> Vec<&Boundary> {
    let Some(b) = bbox(layer.areas.iter().filter(|a| has_value(&a.code))) else {
        return Vec::new();
    };
    layer
        .areas
        .iter()
        .filter(|a| {
            has_value(&a.code)
                || bbox(std::iter::once(*a))
                    .is_some_and(|o| o[0] < b[2] && o[2] > b[0] && o[1] < b[3] && o[3] > b[1])
        })
        .collect()
}

fn area_name(project: &Project, boundary: &Boundary) -> String {
    project
        .areas
        .get(&boundary.code)
        .map(|a| a.name.clone())
        .or_else(|| boundary.name.clone())
        .unwrap_or_else(|| boundary.code.clone())
}

/// Each area's class, label, tooltip and link for one indicator, with the legend they make.
fn shade(
    w: &Strings,
    project: &Project,
    analysis: &Analysis,
    indicator: &Indicator,
    areas: &[&Boundary],
    bench_name: &str,
) -> (Vec<MapArea>, Vec<LegendItem>) {
    let mut legend: Vec<LegendItem> = Vec::new();
    let unit = match indicator.unit.as_deref() {
        Some("%") => "%".to_string(),
        Some(u) => format!(" {u}"),
        None => String::new(),
    };
    let shaded = areas
        .iter()
        .map(|b| {
            let row = analysis
                .needs
                .latest(&indicator.id, &b.code)
                .filter(|r| r.value.is_some());
            let cell = comparison_cell(w, row, bench_name, indicator.display_decimals());
            let class = match row {
                Some(r) => format!(
                    "cmp-{}",
                    r.comparison.unwrap_or(Comparison::NotCompared).as_str()
                ),
                None => "cmp-none".to_string(),
            };
            match legend.iter_mut().find(|l| l.class == class) {
                Some(l) => l.count += 1,
                None => legend.push(LegendItem {
                    class: class.clone(),
                    label: cell.label.clone(),
                    count: 1,
                }),
            }
            let name = area_name(project, b);
            let tooltip = match row {
                Some(_) => w.fill(
                    "map.tooltip",
                    &[
                        ("area", &name),
                        ("value", &format_args!("{}{unit}", cell.value)),
                        ("comparison", &cell.label),
                    ],
                ),
                None => w.fill(
                    "map.tooltip_no_data",
                    &[("area", &name), ("comparison", &cell.label)],
                ),
            };
            MapArea {
                polygons: b.polygons.clone(),
                href: if project.areas.contains_key(&b.code) {
                    href(&area_path(&b.code))
                } else {
                    String::new()
                },
                code: b.code.clone(),
                class,
                label: name,
                tooltip,
            }
        })
        .collect();
    legend.sort_by_key(|l| {
        ORDER
            .iter()
            .position(|o| *o == l.class)
            .unwrap_or(ORDER.len())
    });
    (shaded, legend)
}

/// The maps of an indicator's page at `page_path`: one per boundary layer with data.
pub fn indicator_maps(
    w: &Strings,
    project: &Project,
    analysis: &Analysis,
    indicator: &Indicator,
    bench_name: &str,
    period: &str,
    page_path: &str,
) -> Vec<MapView> {
    let root = "../".repeat(page_path.matches('/').count());
    let has_value = |code: &str| {
        analysis
            .needs
            .latest(&indicator.id, code)
            .is_some_and(|r| r.value.is_some())
    };
    project
        .maps
        .iter()
        .enumerate()
        .filter_map(|(i, layer)| {
            let areas = drawn(layer, has_value);
            if areas.is_empty() {
                return None;
            }
            let (shaded, legend) = shade(w, project, analysis, indicator, &areas, bench_name);
            let title = w.fill(
                "map.title",
                &[("indicator", &indicator.name), ("period", &period)],
            );
            let description = w.fill(
                "map.description",
                &[("count", &shaded.len()), ("benchmark", &bench_name)],
            );
            let id = format!("map-{}-{i}", crate::model::slug(&indicator.id));
            Some(MapView {
                map: Map {
                    id,
                    title,
                    description,
                    drawing: Drawing {
                        crs: layer.crs,
                        style: Style::Full,
                        areas: shaded,
                        prefix: String::new(),
                        root: root.clone(),
                    },
                },
                legend,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x: f64) -> Boundary {
        Boundary {
            code: code.into(),
            name: Some(code.to_lowercase()),
            polygons: vec![vec![vec![
                [x, 0.0],
                [x + 1.0, 0.0],
                [x + 1.0, 1.0],
                [x, 1.0],
                [x, 0.0],
            ]]],
        }
    }

    #[test]
    fn areas_without_data_are_drawn_only_within_the_bounds_of_those_with_data() {
        let layer = BoundaryLayer {
            file: "maps/x.geojson".into(),
            crs: crate::model::Crs::BritishNationalGrid,
            code_property: "code".into(),
            areas: vec![square("A", 0.0), square("B", 0.5), square("C", 10.0)],
        };
        let codes: Vec<&str> = drawn(&layer, |c| c == "A")
            .iter()
            .map(|b| b.code.as_str())
            .collect();
        assert_eq!(codes, ["A", "B"]);
        assert!(drawn(&layer, |_| false).is_empty());
    }
}

/// The overview's small maps: each layer's outlines drawn once, and for each indicator a small
/// map that reuses them, coloured by comparison.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewMaps {
    /// The outlines of every layer with data, one `<defs>` map each.
    pub outlines: Vec<Map>,
    /// Small map of each indicator with data on a layer, by indicator id.
    pub by_indicator: std::collections::BTreeMap<String, Map>,
}

fn with_data<'x>(analysis: &'x Analysis, ind: &'x Indicator) -> impl Fn(&str) -> bool + 'x {
    move |code| {
        analysis
            .needs
            .latest(&ind.id, code)
            .is_some_and(|r| r.value.is_some())
    }
}

/// Small maps for the needs overview; `None` when the project has no boundaries with data.
pub fn overview_maps(
    w: &Strings,
    project: &Project,
    analysis: &Analysis,
    bench_name: &str,
) -> Option<OverviewMaps> {
    let mut outlines = Vec::new();
    let mut by_indicator = std::collections::BTreeMap::new();
    for (i, layer) in project.maps.iter().enumerate() {
        let mut union: std::collections::BTreeSet<&str> = Default::default();
        for ind in project.indicators.values() {
            let drawn = drawn(layer, with_data(analysis, ind));
            union.extend(drawn.iter().map(|b| b.code.as_str()));
        }
        if union.is_empty() {
            continue;
        }
        let areas: Vec<&Boundary> = layer
            .areas
            .iter()
            .filter(|a| union.contains(a.code.as_str()))
            .collect();
        let prefix = format!("outline-{i}-");
        let drawing = |style: Style, areas: Vec<MapArea>| Drawing {
            crs: layer.crs,
            style,
            areas,
            prefix: prefix.clone(),
            root: String::new(),
        };
        outlines.push(Map {
            id: format!("outlines-{i}"),
            title: String::new(),
            description: String::new(),
            drawing: drawing(
                Style::Outlines,
                areas
                    .iter()
                    .map(|b| MapArea {
                        code: b.code.clone(),
                        polygons: b.polygons.clone(),
                        class: String::new(),
                        label: String::new(),
                        tooltip: String::new(),
                        href: String::new(),
                    })
                    .collect(),
            ),
        });
        for ind in project.indicators.values() {
            if by_indicator.contains_key(&ind.id)
                || !areas.iter().any(|a| with_data(analysis, ind)(&a.code))
            {
                continue;
            }
            let (mut shaded, _) = shade(w, project, analysis, ind, &areas, bench_name);
            for a in &mut shaded {
                a.polygons.clear();
            }
            let title = w.fill(
                "map.small_title",
                &[("indicator", &ind.name), ("benchmark", &bench_name)],
            );
            by_indicator.insert(
                ind.id.clone(),
                Map {
                    id: String::new(),
                    title,
                    description: String::new(),
                    drawing: drawing(Style::Small, shaded),
                },
            );
        }
    }
    (!by_indicator.is_empty()).then_some(OverviewMaps {
        outlines,
        by_indicator,
    })
}
