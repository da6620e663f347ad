//! A page's view serialised straight into tera's values, with no JSON in between: the template
//! data of thousands of pages is built without a `serde_json::Value` tree for each.

use crate::floats::{FloatRule, WithFloats};
use crate::render::plain_loops::LoopRun;
use serde::ser::{self, Serialize, Serializer};
use tera::Value;

thread_local! {
    /// Whether [`to_template_data`], on this thread, stopped at a map specification (`$map`).
    static MAPS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A view as template data, or word that it holds map specifications (fields named `$map`, which
/// `render::map` draws from the view's JSON once every outline on the page is known).
pub enum TemplateData {
    Ready(Value),
    HasMaps,
}

/// [`to_template_value`], stopping at the first map specification: a view with maps (the needs
/// page's and each indicator's, whose maps come before their charts) is made from its JSON
/// instead, and nothing drawn for it here is drawn twice.
pub fn to_template_data<T: Serialize + ?Sized>(value: &T) -> tera::TeraResult<TemplateData> {
    data_with(value, None)
}

/// [`to_template_data`], with the page template's plain loops written as the view's fields they
/// go over are serialised (each field then holds its loop's HTML, which the rewritten template
/// prints). `None` unless every loop was written and the view is ready: its field missing, rows
/// that are not text, a view with maps, or any error, and the page is rendered by tera from the
/// template as it was, with data made the usual way (which reports any error in its words).
pub fn to_template_data_with_loops<T: Serialize + ?Sized>(
    value: &T,
    loops: &LoopRun,
) -> Option<Value> {
    match data_with(value, Some(loops)) {
        Ok(TemplateData::Ready(value)) if loops.complete() => Some(value),
        _ => None,
    }
}

fn data_with<T: Serialize + ?Sized>(
    value: &T,
    loops: Option<&LoopRun>,
) -> tera::TeraResult<TemplateData> {
    MAPS.set(false);
    let rule = Integers {
        stop_at_maps: true,
        loops,
    };
    let result = Value::try_from_serializable(&WithFloats::new(value, rule));
    match (result, MAPS.replace(false)) {
        (_, true) => Ok(TemplateData::HasMaps),
        (result, false) => result.map(TemplateData::Ready),
    }
}

/// `value` as the data a template reads: as tera serialises it (which is as `serde_json` would:
/// enums externally tagged, options as their value or none, maps keeping their keys' order),
/// except that a number with no fractional part is an integer, so a template prints `24`, not
/// `24.0`, as the theme's templates have always printed it.
pub fn to_template_value<T: Serialize + ?Sized>(value: &T) -> tera::TeraResult<Value> {
    let rule = Integers {
        stop_at_maps: false,
        loops: None,
    };
    Value::try_from_serializable(&WithFloats::new(value, rule))
}

/// A float that is an integer (up to 2^53, where every integer is still exact).
pub(crate) fn as_integer(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0).then_some(f as i64)
}

/// The templates' rule for floats: integral floats as integers; with `stop_at_maps`, a field
/// named `$map` stops serialisation and is noted in [`MAPS`]; with `loops`, the view's own fields
/// that plain loops go over are written as the loops' HTML.
#[derive(Clone, Copy)]
struct Integers<'a> {
    stop_at_maps: bool,
    /// Only for the view's own fields: [`FloatRule::nested`] drops it.
    loops: Option<&'a LoopRun<'a>>,
}

impl FloatRule for Integers<'_> {
    fn float<S: Serializer>(self, v: f64, serializer: S) -> Result<S::Ok, S::Error> {
        match as_integer(v) {
            Some(i) => serializer.serialize_i64(i),
            None => serializer.serialize_f64(v),
        }
    }

    fn field<E: ser::Error>(self, name: &'static str) -> Result<(), E> {
        if self.stop_at_maps && name == "$map" {
            MAPS.set(true);
            return Err(E::custom("a map, drawn from the view's JSON"));
        }
        Ok(())
    }

    fn replace_field<T: Serialize + ?Sized, E: ser::Error>(
        self,
        name: &'static str,
        value: &T,
    ) -> Option<Result<String, E>> {
        let written = self.loops?.write(name, value)?;
        Some(written.map_err(|_| E::custom("a loop left to tera")))
    }

    fn nested(self) -> Self {
        Integers {
            loops: None,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Bar(f64),
        Pair(f64, f64),
        Box { w: f64 },
    }

    #[derive(Serialize)]
    struct View {
        whole: f64,
        part: f64,
        minus_zero: f64,
        big: f64,
        none: Option<f64>,
        some: Option<f64>,
        list: Vec<f32>,
        shapes: Vec<Shape>,
        by_name: std::collections::BTreeMap<String, f64>,
        tuple: (f64, &'static str),
    }

    #[test]
    fn integral_floats_print_as_integers_at_any_depth_and_the_rest_as_json_has_them() {
        let view = View {
            whole: 24.0,
            part: 32.6,
            minus_zero: -0.0,
            big: 1e17,
            none: None,
            some: Some(50.0),
            list: vec![1.0, 2.5],
            shapes: vec![
                Shape::Dot,
                Shape::Bar(3.0),
                Shape::Pair(1.0, 0.5),
                Shape::Box { w: 7.0 },
            ],
            by_name: [("b".to_string(), 2.0), ("a".to_string(), 1.5)].into(),
            tuple: (4.0, "x"),
        };
        let mut tera = tera::Tera::new();
        tera.add_raw_template(
            "t",
            "{{ page.whole }}|{{ page.part }}|{{ page.minus_zero }}|{{ page.big }}|\
             {{ page.none is none }}|{{ page.some }}|{{ page.list }}|\
             {% for s in page.shapes %}{{ s }};{% endfor %}|\
             {% for k, v in page.by_name %}{{ k }}={{ v }},{% endfor %}|{{ page.tuple[0] }}",
        )
        .unwrap();
        let mut context = tera::Context::new();
        let Ok(TemplateData::Ready(data)) = to_template_data(&view) else {
            panic!("a view without maps is ready");
        };
        context.insert_value("page", data);
        assert_eq!(
            tera.render("t", &context).unwrap(),
            "24|32.6|0|1e17|true|50|[1, 2.5]|Dot;{\"Bar\": 3};{\"Pair\": [1, 0.5]};\
             {\"Box\": {\"w\": 7}};|a=1.5,b=2,|4"
        );
    }

    #[test]
    fn a_map_specification_is_noticed_however_deep() {
        #[derive(Serialize)]
        struct Map {
            #[serde(rename = "$map")]
            drawing: u8,
        }
        #[derive(Serialize)]
        struct Page {
            maps: Vec<Option<Map>>,
        }
        let with = Page {
            maps: vec![None, Some(Map { drawing: 1 })],
        };
        assert!(matches!(to_template_data(&with), Ok(TemplateData::HasMaps)));
        assert!(matches!(
            to_template_data(&Page { maps: vec![None] }),
            Ok(TemplateData::Ready(_))
        ));
        // Made whole, a view with maps has them as data.
        assert!(to_template_value(&with).is_ok());
    }
}
