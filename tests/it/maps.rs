//! Maps: boundary files in both coordinate systems ONS publishes become one SVG path per area,
//! coloured by the area's comparison; real ONS files are read in place from
//! `../shared/realworld/boundaries/` (skipped with a message when missing, a failure under CI).

use crate::common::{self, fixture, Built};
use commission::diagnostics::Diagnostics;
use commission::load::boundaries::read_boundaries;
use commission::model::config::MapsConfig;
use commission::model::Crs;

/// Each `<figure class="map">` of a page: the (class, title) of each area path in it.
fn maps(html: &str) -> Vec<Vec<(String, String)>> {
    html.split("<figure class=\"map\"")
        .skip(1)
        .map(|fig| {
            let fig = &fig[..fig.find("</figure>").unwrap()];
            fig.split("<path class=\"area ")
                .skip(1)
                .map(|p| {
                    let class = p[..p.find('"').unwrap()].to_string();
                    let t = p.find("<title>").unwrap() + 7;
                    let title = p[t..t + p[t..].find("</title>").unwrap()].to_string();
                    (class, title)
                })
                .collect()
        })
        .collect()
}

#[test]
fn both_coordinate_systems_draw_one_path_per_area_coloured_by_comparison() {
    let site = Built::new(&fixture("maps"));
    let html = site.text("needs/indicators/1/index.html");
    // Hand-worked against England's 50 (one level, 95%): North 70 (65–75) better, Middle 50
    // (45–55) similar, South 30 (25–35) worse. Paths are in code order.
    let want = vec![
        (
            "cmp-better".to_string(),
            "North Ward: 70.0%. Better than England".to_string(),
        ),
        (
            "cmp-similar".to_string(),
            "Middle Ward: 50.0%. Similar to England".to_string(),
        ),
        (
            "cmp-worse".to_string(),
            "South Ward: 30.0%. Worse than England".to_string(),
        ),
    ];
    let found = maps(&html);
    assert_eq!(found.len(), 2, "one map per boundary file");
    for map in &found {
        assert_eq!(map, &want);
    }
    // The British National Grid file: 2,000 m by 3,000 m is drawn 400 units tall at most, so
    // scale min(392/2000, 472/3000) = 0.157333…: 323 wide, 480 tall. North Ward is the top third.
    let bng = &html[html.find("<figure class=\"map\"").unwrap()..];
    assert!(bng.contains("viewBox=\"0 0 323 480\""), "{}", &bng[..300]);
    assert!(
        bng.contains("d=\"M4 161.3L318.7 161.3L318.7 4L4 4Z\""),
        "{}",
        &bng[..900]
    );
    assert!(html.contains("Test boundaries © nobody; made for this test."));
    assert!(html.contains("Better than England: 1 area"));
}

#[test]
fn the_overview_has_a_small_map_per_indicator_from_shared_outlines() {
    let site = Built::new(&fixture("maps"));
    let html = site.text("needs/index.html");
    assert_eq!(
        html.matches("<path id=\"outline-").count(),
        6,
        "3 outlines for each of 2 files"
    );
    assert!(html.contains("<use href=\"#outline-0-e05999001\" class=\"area cmp-better\"/>"));
    assert!(html.contains("<use href=\"#outline-0-e05999003\" class=\"area cmp-worse\"/>"));
}

/// A real ONS file from `../shared/realworld/boundaries/`, or `None` (skipped) when the folder is
/// missing outside CI.
fn realworld(name: &str) -> Option<String> {
    let path = common::manifest()
        .join("../shared/realworld/boundaries")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipped: {} cannot be read ({e})", path.display());
            None
        }
        Err(e) => panic!(
            "{}: {e} (the real-world files are required under CI)",
            path.display()
        ),
    }
}

#[test]
fn real_ons_boundary_files_are_read_and_drawn_as_published() {
    for (file, areas, property, first) in [
        (
            "Local_Authority_Districts_December_2022_UK_BUC.geojson",
            374,
            "LAD22CD",
            "E06000001",
        ),
        ("birmingham-wards.geojson", 69, "WD22CD", "E05011118"),
        (
            "trafford_msoa_generalised.geojson",
            28,
            "area_code",
            "E02001259",
        ),
    ] {
        let Some(text) = realworld(file) else {
            continue;
        };
        let mut diags = Diagnostics::new();
        let rel = format!("maps/{file}");
        let layer = read_boundaries(&text, &rel, &MapsConfig::default(), &mut diags)
            .unwrap_or_else(|| panic!("{file}: {:?}", diags.sorted()));
        assert!(diags.is_empty(), "{file}: {:?}", diags.sorted());
        assert_eq!(
            (layer.areas.len(), layer.code_property.as_str(), layer.crs),
            (areas, property, Crs::Wgs84),
            "{file}"
        );
        assert!(layer.areas.iter().any(|a| a.code == first), "{file}");
        let all: Vec<_> = layer.areas.iter().collect();
        let drawn = commission::render::map::project(layer.crs, &all);
        assert_eq!(drawn.shapes.len(), areas, "{file}");
        assert!(
            drawn
                .shapes
                .iter()
                .all(|s| s.path.starts_with('M') && s.path.ends_with('Z')),
            "{file}"
        );
    }
}
