//! Boundary files (`maps/*.geojson`): ONS Open Geography GeoJSON, in WGS84 lon/lat or British
//! National Grid as published, read into one [`BoundaryLayer`] per file with its areas keyed by the
//! code property (FORMATS.md 4, maps). Every bad feature is a located diagnostic; nothing panics.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::config::MapsConfig;
use crate::model::{Boundary, BoundaryLayer, Crs};
use serde_json::{Map, Value};

/// Names of a code property that are not ONS `…CD` names, in order of preference.
const CODE_NAMES: &[&str] = &[
    "area_code",
    "areacode",
    "code",
    "geography_code",
    "gss_code",
];
/// Names of a name property besides the ONS `…NM` beside the code.
const NAME_NAMES: &[&str] = &["area_name", "areaname", "name", "geography_name"];

/// Whether `key` looks like an ONS code property: letters, two digits, `CD` (`LAD22CD`, `WD22CD`,
/// `MSOA21CD`, `CTRY22CD`), any case.
fn ons_code_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    let Some(stem) = k.strip_suffix("CD") else {
        return false;
    };
    let digits = stem.chars().rev().take_while(char::is_ascii_digit).count();
    let letters = &stem[..stem.len() - digits];
    digits == 2
        && (2..=6).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_uppercase())
}

/// The line of the first occurrence of `needle` in `text`, so a feature's problem points at it.
fn line_of(text: &str, needle: &str) -> Location {
    match text.find(needle) {
        Some(at) => Location::Line(text[..at].matches('\n').count() + 1),
        None => Location::File,
    }
}

fn property_text(props: &Map<String, Value>, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The code property: the configured one, else the first ONS `…CD` property whose values are
/// unique across the features (a ward file may also carry its district's `LAD22CD`), else a
/// common plain name.
fn code_property(features: &[&Map<String, Value>], config: &MapsConfig) -> Result<String, String> {
    let keys: Vec<&String> = features
        .first()
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    if let Some(wanted) = &config.code_property {
        return keys
            .iter()
            .find(|k| k.eq_ignore_ascii_case(wanted))
            .map(|k| k.to_string())
            .ok_or_else(|| format!("no feature property `{wanted}` (the [maps] code_property)"));
    }
    let unique = |key: &str| {
        let mut seen = std::collections::BTreeSet::new();
        features
            .iter()
            .all(|p| property_text(p, key).is_some_and(|v| seen.insert(v)))
    };
    let ons: Vec<&&String> = keys.iter().filter(|k| ons_code_key(k)).collect();
    if let Some(k) = ons.iter().find(|k| unique(k)).or(ons.first()) {
        return Ok(k.to_string());
    }
    for name in CODE_NAMES {
        if let Some(k) = keys.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            return Ok(k.to_string());
        }
    }
    Err("no area code property found".into())
}

fn name_property(code_key: &str, keys: &[&String], config: &MapsConfig) -> Option<String> {
    if let Some(wanted) = &config.name_property {
        return keys
            .iter()
            .find(|k| k.eq_ignore_ascii_case(wanted))
            .map(|k| k.to_string());
    }
    let ons = code_key
        .len()
        .checked_sub(2)
        .map(|n| format!("{}NM", &code_key[..n]));
    keys.iter()
        .find(|k| ons.as_deref().is_some_and(|o| k.eq_ignore_ascii_case(o)))
        .or_else(|| {
            NAME_NAMES
                .iter()
                .find_map(|n| keys.iter().find(|k| k.eq_ignore_ascii_case(n)))
        })
        .map(|k| k.to_string())
}

/// The declared coordinate system, if the file declares one it names.
fn declared_crs(doc: &Map<String, Value>) -> Option<Result<Crs, String>> {
    let name = doc
        .get("crs")?
        .get("properties")?
        .get("name")?
        .as_str()?
        .to_string();
    let n = name.to_ascii_uppercase();
    Some(
        if n.ends_with("CRS84") || n.ends_with(":4326") || n.ends_with("::4326") {
            Ok(Crs::Wgs84)
        } else if n.ends_with(":27700") || n.ends_with("::27700") {
            Ok(Crs::BritishNationalGrid)
        } else {
            Err(name)
        },
    )
}

/// A ring: at least four positions of two finite numbers, closed (an open ring is closed, with a
/// warning from the caller).
fn ring(value: &Value) -> Result<(Vec<[f64; 2]>, bool), String> {
    let positions = value
        .as_array()
        .ok_or("a ring is not a list of positions")?;
    let mut out = Vec::with_capacity(positions.len() + 1);
    for p in positions {
        let xy = p.as_array().filter(|a| a.len() >= 2);
        let x = xy.and_then(|a| a[0].as_f64()).filter(|v| v.is_finite());
        let y = xy.and_then(|a| a[1].as_f64()).filter(|v| v.is_finite());
        match (x, y) {
            (Some(x), Some(y)) => out.push([x, y]),
            _ => return Err(format!("a position is not two numbers: {p}")),
        }
    }
    let closed = out.first() == out.last();
    if !closed {
        if let Some(first) = out.first().copied() {
            out.push(first);
        }
    }
    if out.len() < 4 {
        return Err(format!(
            "a ring has {} positions; a polygon's ring needs at least 4",
            positions.len()
        ));
    }
    Ok((out, closed))
}

/// Polygons of a `Polygon` or `MultiPolygon` geometry; `Ok(None)` for another geometry type.
#[allow(clippy::type_complexity)]
fn polygons(geometry: &Value) -> Result<Option<(Vec<Vec<Vec<[f64; 2]>>>, bool)>, String> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates");
    let polygon_list: Vec<&Value> = match (kind, coords) {
        ("Polygon", Some(c)) => vec![c],
        ("MultiPolygon", Some(Value::Array(ps))) => ps.iter().collect(),
        ("Polygon" | "MultiPolygon", _) => return Err("the geometry has no coordinates".into()),
        _ => return Ok(None),
    };
    let mut all_closed = true;
    let mut out = Vec::new();
    for p in polygon_list {
        let rings = p.as_array().ok_or("a polygon is not a list of rings")?;
        let mut rs = Vec::new();
        for r in rings {
            let (r, closed) = ring(r)?;
            all_closed &= closed;
            rs.push(r);
        }
        if rs.is_empty() {
            return Err("a polygon has no rings".into());
        }
        out.push(rs);
    }
    Ok(Some((out, all_closed)))
}

/// Whether every position fits the coordinate system (degrees, or metres on the National Grid).
fn fits(crs: Crs, polygons: &[Vec<Vec<[f64; 2]>>]) -> bool {
    let ok = |[x, y]: [f64; 2]| match crs {
        Crs::Wgs84 => (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
        Crs::BritishNationalGrid => {
            (-10_000.0..=800_000.0).contains(&x) && (-10_000.0..=1_300_000.0).contains(&y)
        }
    };
    polygons.iter().flatten().flatten().all(|p| ok(*p))
}

/// Reads one boundary file. Returns `None` when the file as a whole cannot be used.
pub fn read_boundaries(
    text: &str,
    rel: &str,
    config: &MapsConfig,
    diags: &mut Diagnostics,
) -> Option<BoundaryLayer> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::error(rel, Location::Line(e.line().max(1)), "not valid GeoJSON")
                    .hint(format!("{e}; export the boundaries again as GeoJSON")),
            );
            return None;
        }
    };
    let features: Vec<&Value> = match doc.get("features").and_then(Value::as_array) {
        Some(f) if doc.get("type").and_then(Value::as_str) == Some("FeatureCollection") => {
            f.iter().collect()
        }
        _ => {
            diags.push(
                Diagnostic::error(rel, Location::File, "not a GeoJSON FeatureCollection")
                    .hint("boundary files are FeatureCollections of areas, as ONS Open Geography publishes them"),
            );
            return None;
        }
    };
    let empty = Map::new();
    let props: Vec<&Map<String, Value>> = features
        .iter()
        .map(|f| {
            f.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
        })
        .collect();
    let code_key = match code_property(&props, config) {
        Ok(k) => k,
        Err(message) => {
            let found: Vec<&str> = props
                .first()
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(rel, Location::File, message)
                    .value(found.join(", "))
                    .hint("name the property that holds the area code with code_property in [maps] of commission.toml"),
            );
            return None;
        }
    };
    let keys: Vec<&String> = props
        .first()
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let name_key = name_property(&code_key, &keys, config);
    let declared = declared_crs(doc.as_object()?);
    if let Some(Err(name)) = &declared {
        diags.push(
            Diagnostic::error(rel, line_of(text, name), "unsupported coordinate system")
                .value(name.clone())
                .hint("use WGS84 (EPSG:4326, CRS84) or British National Grid (EPSG:27700), as ONS publishes boundaries"),
        );
        return None;
    }
    let mut crs = declared.and_then(Result::ok);
    let mut areas: Vec<Boundary> = Vec::new();
    let mut first_line: std::collections::BTreeMap<String, Location> = Default::default();
    for (i, (feature, p)) in features.iter().zip(&props).enumerate() {
        let Some(code) = property_text(p, &code_key) else {
            diags.push(
                Diagnostic::error(rel, Location::File, "a feature has no area code")
                    .column(code_key.clone())
                    .value(format!("feature {}", i + 1))
                    .hint("every area needs its code to be matched with the needs data"),
            );
            continue;
        };
        let at = line_of(text, &format!("\"{code}\""));
        let geometry = match feature.get("geometry") {
            Some(g) if !g.is_null() => g,
            _ => {
                diags.push(
                    Diagnostic::warning(
                        rel,
                        at,
                        "an area has no geometry; it is left off the maps",
                    )
                    .column(code_key.clone())
                    .value(code),
                );
                continue;
            }
        };
        let (polys, closed) = match polygons(geometry) {
            Ok(Some(p)) => p,
            Ok(None) => {
                let kind = geometry
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("none");
                diags.push(
                    Diagnostic::warning(rel, at, format!("an area's geometry is a {kind}, not a polygon; it is left off the maps"))
                        .column(code_key.clone())
                        .value(code),
                );
                continue;
            }
            Err(message) => {
                diags.push(
                    Diagnostic::error(rel, at, format!("bad geometry: {message}"))
                        .column(code_key.clone())
                        .value(code)
                        .hint("export the boundaries again from ONS Open Geography, or repair them in QGIS"),
                );
                continue;
            }
        };
        if !closed {
            diags.push(
                Diagnostic::warning(
                    rel,
                    at.clone(),
                    "a ring does not end where it starts; it was closed",
                )
                .column(code_key.clone())
                .value(code.clone()),
            );
        }
        let this_crs = *crs.get_or_insert_with(|| {
            if fits(Crs::Wgs84, &polys) {
                Crs::Wgs84
            } else {
                Crs::BritishNationalGrid
            }
        });
        if !fits(this_crs, &polys) {
            let what = match this_crs {
                Crs::Wgs84 => "longitude and latitude in degrees",
                Crs::BritishNationalGrid => "British National Grid metres",
            };
            diags.push(
                Diagnostic::error(rel, at, format!("coordinates outside {what}"))
                    .column(code_key.clone())
                    .value(code)
                    .hint("every feature of a file must use the same coordinate system, longitude first"),
            );
            continue;
        }
        if let Some(first) = first_line.get(&code) {
            let first = Diagnostic::error(rel, first.clone(), "").place();
            diags.push(
                Diagnostic::error(rel, at, "two features have the same area code")
                    .column(code_key.clone())
                    .value(code)
                    .hint(format!(
                        "first given at {first}; join them into one MultiPolygon"
                    )),
            );
            continue;
        }
        first_line.insert(code.clone(), at);
        areas.push(Boundary {
            name: name_key.as_deref().and_then(|k| property_text(p, k)),
            code,
            polygons: polys,
        });
    }
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    Some(BoundaryLayer {
        file: rel.to_string(),
        crs: crs.unwrap_or(Crs::Wgs84),
        code_property: code_key,
        areas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, config: &MapsConfig) -> (Option<BoundaryLayer>, Vec<String>) {
        let mut diags = Diagnostics::new();
        let layer = read_boundaries(text, "maps/x.geojson", config, &mut diags);
        let messages = diags
            .sorted()
            .iter()
            .map(|d| {
                format!(
                    "{}: {} [{}]",
                    d.place(),
                    d.message,
                    d.value.clone().unwrap_or_default()
                )
            })
            .collect();
        (layer, messages)
    }

    const SQUARE: &str = "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]";

    #[test]
    fn detects_ons_code_properties_and_prefers_unique_ones() {
        assert!(ons_code_key("LAD22CD") && ons_code_key("msoa21cd") && ons_code_key("WD22CD"));
        assert!(!ons_code_key("LAD22NM") && !ons_code_key("CD") && !ons_code_key("ABC2CD"));
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"LAD22CD":"E08000099","WD22CD":"E05099001","WD22NM":"Bridgefoot"}},"geometry":{{"type":"Polygon","coordinates":{SQUARE}}}}},
{{"type":"Feature","properties":{{"LAD22CD":"E08000099","WD22CD":"E05099002","WD22NM":"Carr Moss"}},"geometry":{{"type":"Polygon","coordinates":{SQUARE}}}}}]}}"#
        );
        let (layer, messages) = read(&text, &MapsConfig::default());
        let layer = layer.unwrap();
        assert_eq!(messages, Vec::<String>::new());
        assert_eq!(layer.code_property, "WD22CD");
        assert_eq!(layer.crs, Crs::Wgs84);
        assert_eq!(layer.areas[1].name.as_deref(), Some("Carr Moss"));
    }

    #[test]
    fn british_national_grid_is_declared_or_recognised_by_range() {
        let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area_code":"E02000001","area_name":"A"},"geometry":{"type":"Polygon","coordinates":[[[530000,180000],[531000,180000],[531000,181000],[530000,180000]]]}}]}"#;
        let (layer, messages) = read(text, &MapsConfig::default());
        assert_eq!(messages, Vec::<String>::new());
        let layer = layer.unwrap();
        assert_eq!(
            (layer.crs, layer.code_property.as_str()),
            (Crs::BritishNationalGrid, "area_code")
        );
        assert_eq!(layer.areas[0].name.as_deref(), Some("A"));
    }

    #[test]
    fn bad_geometry_is_located_by_its_code() {
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
{"type":"Feature","properties":{"code":"E1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}},
{"type":"Feature","properties":{"code":"E2"},"geometry":{"type":"Polygon","coordinates":[[[0,0],["x",0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"E3"},"geometry":{"type":"Point","coordinates":[0,0]}},
{"type":"Feature","properties":{"code":"E4"},"geometry":{"type":"Polygon","coordinates":[[[400000,0],[1,0],[1,1],[400000,0]]]}},
{"type":"Feature","properties":{"code":"E5"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}},
{"type":"Feature","properties":{"code":"E5"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        let (layer, messages) = read(text, &MapsConfig::default());
        assert_eq!(
            messages,
            vec![
                "maps/x.geojson:2: bad geometry: a ring has 3 positions; a polygon's ring needs at least 4 [E1]",
                "maps/x.geojson:3: bad geometry: a position is not two numbers: [\"x\",0] [E2]",
                "maps/x.geojson:4: an area's geometry is a Point, not a polygon; it is left off the maps [E3]",
                "maps/x.geojson:5: coordinates outside longitude and latitude in degrees [E4]",
                "maps/x.geojson:6: a ring does not end where it starts; it was closed [E5]",
                "maps/x.geojson:6: two features have the same area code [E5]",
            ]
        );
        assert_eq!(layer.unwrap().areas.len(), 1);
    }

    #[test]
    fn whole_file_problems() {
        let (_, m) = read("{\"type\":", &MapsConfig::default());
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("maps/x.geojson:1: not valid GeoJSON"),
            "{m:?}"
        );
        let (_, m) = read(r#"{"type":"Feature"}"#, &MapsConfig::default());
        assert_eq!(
            m,
            vec!["maps/x.geojson: not a GeoJSON FeatureCollection []"]
        );
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[{"type":"Feature","properties":{"code":"E1"},"geometry":null}]}"#;
        let (_, m) = read(text, &MapsConfig::default());
        assert_eq!(
            m,
            vec!["maps/x.geojson:1: unsupported coordinate system [EPSG:3857]"]
        );
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},"geometry":null}]}"#;
        let (_, m) = read(text, &MapsConfig::default());
        assert_eq!(m, vec!["maps/x.geojson: no area code property found [id]"]);
        let config = MapsConfig {
            code_property: Some("objectid".into()),
            ..MapsConfig::default()
        };
        let (_, m) = read(text, &config);
        assert_eq!(
            m,
            vec!["maps/x.geojson: no feature property `objectid` (the [maps] code_property) [id]"]
        );
    }
}
