//! Choropleth maps as static SVG: boundary outlines projected to the page (British National Grid
//! as it is, WGS84 lon/lat by an equirectangular projection scaled by the cosine of the middle
//! latitude), quantised to a tenth of a drawing unit and drawn one path per area with its
//! comparison as a CSS class. Positions are only rounded, never simplified, so two areas that share
//! a border share every rounded vertex: no slivers, no gaps. Draws the map specifications of a
//! view (site/maps.rs, serialised under `$map`) as the page renders.

use crate::model::{Boundary, Crs};
use crate::render::escape_html;
use crate::site::maps::{Map, MapArea, Style};
use serde::Serialize;
use std::collections::BTreeMap;

/// Width of every map's drawing, in SVG units; the height follows the areas' shape.
pub const WIDTH: f64 = 400.0;
/// A map is never taller than this (a tall area is drawn narrower instead).
const MAX_HEIGHT: f64 = 480.0;
const PAD: f64 = 4.0;

/// One area drawn on a map: its outline as SVG path data and where its label goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub code: String,
    pub path: String,
    /// Label point: the centroid of the area's largest ring.
    pub label_at: (f64, f64),
}

/// Areas projected into one drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Projected {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

/// A drawn map ready to embed (same shape as a chart, so templates treat them alike).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapSvg {
    pub id: String,
    pub title: String,
    pub description: String,
    pub svg: String,
}

fn plane(crs: Crs, [x, y]: [f64; 2], cos_lat: f64) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (x * cos_lat, -y),
        Crs::BritishNationalGrid => (x, -y),
    }
}

/// Projects `areas` (all of one layer) into a drawing [`WIDTH`] wide.
pub fn project(crs: Crs, areas: &[&Boundary]) -> Projected {
    let points = || {
        areas
            .iter()
            .flat_map(|a| a.polygons.iter().flatten().flatten())
    };
    let (mut lat_lo, mut lat_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in points() {
        lat_lo = lat_lo.min(p[1]);
        lat_hi = lat_hi.max(p[1]);
    }
    let cos_lat = if lat_lo.is_finite() {
        ((lat_lo + lat_hi) / 2.0).to_radians().cos()
    } else {
        1.0
    };
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points() {
        let (x, y) = plane(crs, *p, cos_lat);
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        return Projected {
            width: WIDTH,
            height: WIDTH / 2.0,
            shapes: Vec::new(),
        };
    }
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    let scale = ((WIDTH - 2.0 * PAD) / w).min((MAX_HEIGHT - 2.0 * PAD) / h);
    let width = (w * scale + 2.0 * PAD).round().max(1.0);
    let height = (h * scale + 2.0 * PAD).round().max(1.0);
    let at = |p: [f64; 2]| {
        let (x, y) = plane(crs, p, cos_lat);
        (
            quantise((x - x0) * scale + PAD),
            quantise((y - y0) * scale + PAD),
        )
    };
    let shapes = areas
        .iter()
        .map(|a| {
            let mut path = String::new();
            let mut best = (0.0_f64, (width / 2.0, height / 2.0));
            for ring in a.polygons.iter().flatten() {
                let mut pts: Vec<(f64, f64)> = ring.iter().map(|p| at(*p)).collect();
                pts.dedup();
                if pts.len() < 4 {
                    continue;
                }
                let (area, centre) = centroid(&pts);
                if area.abs() > best.0 {
                    best = (area.abs(), centre);
                }
                for (i, (x, y)) in pts[..pts.len() - 1].iter().enumerate() {
                    path.push(if i == 0 { 'M' } else { 'L' });
                    path.push_str(&format!("{}", Num(*x)));
                    path.push(' ');
                    path.push_str(&format!("{}", Num(*y)));
                }
                path.push('Z');
            }
            Shape {
                code: a.code.clone(),
                path,
                label_at: (quantise(best.1 .0), quantise(best.1 .1)),
            }
        })
        .collect();
    Projected {
        width,
        height,
        shapes,
    }
}

fn quantise(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A number as short as SVG allows (`12`, `12.5`).
struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0 == 0.0 { 0.0 } else { self.0 };
        if v.fract() == 0.0 {
            write!(f, "{:.0}", crate::site::format::Dec(v))
        } else {
            write!(f, "{:.1}", crate::site::format::Dec(v))
        }
    }
}

/// Signed area and centroid of a closed ring (shoelace formula).
fn centroid(pts: &[(f64, f64)]) -> (f64, (f64, f64)) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a.abs() < 1e-12 {
        return (0.0, pts[0]);
    }
    (a / 2.0, (cx / (3.0 * a), cy / (3.0 * a)))
}

/// Areas are labelled on the map when there are few enough for their names to fit.
pub const MAX_LABELS: usize = 16;

/// Draws a choropleth: one `<path>` per area (in `areas` order) with class `area cmp-…`, a
/// `<title>` with its value and comparison, each linking to its page; names on the map when few.
pub fn choropleth(
    id: &str,
    title: &str,
    description: &str,
    projected: &Projected,
    areas: &[MapArea],
    root: &str,
) -> MapSvg {
    let mut svg = format!(
        "<svg role=\"group\" aria-labelledby=\"{id}-title {id}-desc\" class=\"map-svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        Num(projected.width),
        Num(projected.height),
        Num(projected.width),
        Num(projected.height),
        escape_html(title),
        escape_html(description)
    );
    let shown: Vec<(&Shape, &MapArea)> = areas
        .iter()
        .filter_map(|a| {
            projected
                .shapes
                .iter()
                .find(|s| s.code == a.code)
                .map(|s| (s, a))
        })
        .collect();
    for (shape, area) in &shown {
        let path = format!(
            "<path class=\"area {}\" d=\"{}\"><title>{}</title></path>",
            escape_html(&area.class),
            shape.path,
            escape_html(&area.tooltip)
        );
        if area.href.is_empty() {
            svg.push_str(&path);
        } else {
            svg.push_str(&format!(
                "<a href=\"{}{}\" aria-label=\"{}\">{path}</a>",
                escape_html(root),
                escape_html(&area.href),
                escape_html(&area.tooltip)
            ));
        }
    }
    if shown.len() <= MAX_LABELS {
        svg.push_str("<g class=\"map-labels\" aria-hidden=\"true\">");
        for (shape, area) in &shown {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\">{}</text>",
                Num(shape.label_at.0),
                Num(shape.label_at.1),
                escape_html(&area.label)
            ));
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    MapSvg {
        id: id.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        svg,
    }
}

/// Each shape's outline as `<path id="PREFIX+CODE">`, to sit in `<defs>` for [`small_multiple`].
pub fn outline_defs(projected: &Projected, prefix: &str) -> String {
    projected
        .shapes
        .iter()
        .map(|s| {
            format!(
                "<path id=\"{}\" d=\"{}\"/>",
                escape_html(&format!("{prefix}{}", crate::model::slug(&s.code))),
                s.path
            )
        })
        .collect()
}

/// A small map that reuses outlines from [`outline_defs`]: one `<use>` per area, classed by its
/// comparison, with no labels (the page links to the full map).
pub fn small_multiple(
    label: &str,
    projected: &Projected,
    areas: &[MapArea],
    prefix: &str,
) -> MapSvg {
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" class=\"map-svg small\" viewBox=\"0 0 {} {}\">",
        escape_html(label),
        Num(projected.width),
        Num(projected.height)
    );
    for a in areas {
        svg.push_str(&format!(
            "<use href=\"#{}\" class=\"area {}\"/>",
            escape_html(&format!("{prefix}{}", crate::model::slug(&a.code))),
            escape_html(&a.class)
        ));
    }
    svg.push_str("</svg>");
    MapSvg {
        id: String::new(),
        title: label.to_string(),
        description: String::new(),
        svg,
    }
}

/// The areas of a map as boundaries, to project.
fn boundaries(areas: &[MapArea]) -> Vec<Boundary> {
    areas
        .iter()
        .map(|a| Boundary {
            code: a.code.clone(),
            name: None,
            polygons: a.polygons.clone(),
        })
        .collect()
}

fn projected(map: &Map) -> Projected {
    let b = boundaries(&map.drawing.areas);
    project(map.drawing.crs, &b.iter().collect::<Vec<_>>())
}

/// Draws one map; small maps take their size from the outlines drawn under their prefix.
fn draw(map: &Map, outlines: &BTreeMap<String, Projected>) -> Option<MapSvg> {
    let d = &map.drawing;
    Some(match d.style {
        Style::Full => choropleth(
            &map.id,
            &map.title,
            &map.description,
            &projected(map),
            &d.areas,
            &d.root,
        ),
        Style::Outlines => MapSvg {
            id: map.id.clone(),
            title: String::new(),
            description: String::new(),
            svg: format!(
                "<svg class=\"map-defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\"><defs>{}</defs></svg>",
                outline_defs(&projected(map), &d.prefix)
            ),
        },
        Style::Small => small_multiple(&map.title, outlines.get(&d.prefix)?, &d.areas, &d.prefix),
    })
}

/// Replaces every map in a view's template data (an object with a `$map` drawing, as [`Map`]
/// serialises) with the drawn map, or with null when it cannot be drawn. Outlines are drawn
/// first, so the small maps that reuse them know their size.
pub fn draw_maps(value: &mut serde_json::Value) {
    fn walk(value: &mut serde_json::Value, visit: &mut dyn FnMut(&mut serde_json::Value)) {
        use serde_json::Value;
        match value {
            Value::Object(map) if map.contains_key("$map") => visit(value),
            Value::Object(map) => map.values_mut().for_each(|v| walk(v, visit)),
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, visit)),
            _ => {}
        }
    }
    let mut outlines: BTreeMap<String, Projected> = BTreeMap::new();
    walk(value, &mut |v| {
        if let Ok(map) = serde_json::from_value::<Map>(v.clone()) {
            if map.drawing.style == Style::Outlines {
                outlines.insert(map.drawing.prefix.clone(), projected(&map));
            }
        }
    });
    walk(value, &mut |v| {
        let drawn = serde_json::from_value::<Map>(std::mem::take(v))
            .ok()
            .and_then(|m| draw(&m, &outlines))
            .and_then(|d| serde_json::to_value(d).ok());
        *v = drawn.unwrap_or(serde_json::Value::Null);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x: f64, y: f64, size: f64) -> Boundary {
        Boundary {
            code: code.into(),
            name: None,
            polygons: vec![vec![vec![
                [x, y],
                [x + size, y],
                [x + size, y + size],
                [x, y + size],
                [x, y],
            ]]],
        }
    }

    #[test]
    fn national_grid_squares_fill_the_width_and_share_their_border() {
        // Two 1 km squares side by side: 2,000 m wide, 1,000 m tall → scale 392/2000 = 0.196.
        let a = square("A", 530_000.0, 180_000.0, 1000.0);
        let b = square("B", 531_000.0, 180_000.0, 1000.0);
        let p = project(Crs::BritishNationalGrid, &[&a, &b]);
        assert_eq!((p.width, p.height), (400.0, 204.0));
        assert_eq!(p.shapes[0].path, "M4 200L200 200L200 4L4 4Z");
        assert_eq!(p.shapes[1].path, "M200 200L396 200L396 4L200 4Z");
        assert_eq!(p.shapes[0].label_at, (102.0, 102.0));
    }

    #[test]
    fn longitude_is_scaled_by_the_cosine_of_latitude() {
        // At 60°N a degree of longitude is half a degree of latitude: a 2° by 1° box is square.
        let a = Boundary {
            code: "A".into(),
            name: None,
            polygons: vec![vec![vec![
                [0.0, 59.5],
                [2.0, 59.5],
                [2.0, 60.5],
                [0.0, 60.5],
                [0.0, 59.5],
            ]]],
        };
        let p = project(Crs::Wgs84, &[&a]);
        assert_eq!(p.width, 400.0);
        assert!((p.height - 400.0).abs() <= 1.0, "{}", p.height);
        // North is up: the northern edge (60.5°) is at the top.
        assert_eq!(p.shapes[0].path, "M4 396L396 396L396 4L4 4Z");
    }

    #[test]
    fn one_linked_classed_path_per_area() {
        let a = square("A", 0.0, 0.0, 1.0);
        let p = project(Crs::BritishNationalGrid, &[&a]);
        let m = choropleth(
            "m",
            "T & t",
            "D",
            &p,
            &[MapArea {
                code: "A".into(),
                polygons: Vec::new(),
                class: "cmp-worse".into(),
                label: "Ay".into(),
                tooltip: "Ay: 5 <worse>".into(),
                href: "needs/areas/a/index.html".into(),
            }],
            "../../",
        );
        assert!(m.svg.contains("<a href=\"../../needs/areas/a/index.html\" aria-label=\"Ay: 5 &lt;worse&gt;\"><path class=\"area cmp-worse\" d=\"M4 396L396 396L396 4L4 4Z\"><title>Ay: 5 &lt;worse&gt;</title></path></a>"), "{}", m.svg);
        assert!(m.svg.contains("<title id=\"m-title\">T &amp; t</title>"));
        assert!(m.svg.contains("<text x=\"200\" y=\"200\">Ay</text>"));
    }
}
