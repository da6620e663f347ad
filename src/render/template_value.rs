//! A page's view serialised straight into tera's values, with no JSON in between: the template
//! data of thousands of pages is built without a `serde_json::Value` tree for each.

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
    MAPS.set(false);
    let result = Value::try_from_serializable(&Integral::new(value, true));
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
    Value::try_from_serializable(&Integral::new(value, false))
}

/// A value serialised with its integral floats as integers, at any depth; stopped at a map
/// specification when `stop_at_maps`.
struct Integral<'a, T: ?Sized> {
    value: &'a T,
    stop_at_maps: bool,
}

impl<T: Serialize + ?Sized> Serialize for Integral<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value
            .serialize(Integers(serializer, self.stop_at_maps))
    }
}

impl<'a, T: ?Sized> Integral<'a, T> {
    fn new(value: &'a T, stop_at_maps: bool) -> Self {
        Integral {
            value,
            stop_at_maps,
        }
    }
}

/// A float that is an integer (up to 2^53, where every integer is still exact).
fn as_integer(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0).then_some(f as i64)
}

/// Tera's serializer, handed integral floats as integers and every nested value wrapped again
/// (with whether to stop at maps).
struct Integers<S>(S, bool);

/// A compound serializer of tera's whose elements are wrapped in [`Integral`].
struct Each<C>(C, bool);

impl<C> Each<C> {
    /// `value`, wrapped as this compound's elements are.
    fn wrap<'a, T: ?Sized>(&self, value: &'a T) -> Integral<'a, T> {
        Integral::new(value, self.1)
    }
}

macro_rules! forward {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.0.$method(v)
        })*
    };
}

impl<S: Serializer> Serializer for Integers<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Each<S::SerializeSeq>;
    type SerializeTuple = Each<S::SerializeTuple>;
    type SerializeTupleStruct = Each<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Each<S::SerializeTupleVariant>;
    type SerializeMap = Each<S::SerializeMap>;
    type SerializeStruct = Each<S::SerializeStruct>;
    type SerializeStructVariant = Each<S::SerializeStructVariant>;

    forward!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        match as_integer(v) {
            Some(i) => self.0.serialize_i64(i),
            None => self.0.serialize_f64(v),
        }
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Integral::new(value, self.1))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_struct(name, &Integral::new(value, self.1))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let value = Integral::new(value, self.1);
        self.0
            .serialize_newtype_variant(name, index, variant, &value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(|c| Each(c, self.1))
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(|c| Each(c, self.1))
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0
            .serialize_tuple_struct(name, len)
            .map(|c| Each(c, self.1))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(|c| Each(c, self.1))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(|c| Each(c, self.1))
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(|c| Each(c, self.1))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(|c| Each(c, self.1))
    }
}

/// Implements a compound serializer trait for [`Each`] with one element method.
macro_rules! each {
    ($trait:ident, $method:ident) => {
        impl<C: ser::$trait> ser::$trait for Each<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                self.0.$method(&self.wrap(value))
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.0.end()
            }
        }
    };
}

each!(SerializeSeq, serialize_element);
each!(SerializeTuple, serialize_element);
each!(SerializeTupleStruct, serialize_field);
each!(SerializeTupleVariant, serialize_field);

impl<C: ser::SerializeMap> ser::SerializeMap for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.0.serialize_key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_value(&self.wrap(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

/// Implements a struct serializer trait for [`Each`], noting a map specification's field.
macro_rules! fields {
    ($trait:ident) => {
        impl<C: ser::$trait> ser::$trait for Each<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                if self.1 && name == "$map" {
                    MAPS.set(true);
                    return Err(ser::Error::custom("a map, drawn from the view's JSON"));
                }
                self.0.serialize_field(name, &self.wrap(value))
            }
            fn skip_field(&mut self, name: &'static str) -> Result<(), C::Error> {
                self.0.skip_field(name)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.0.end()
            }
        }
    };
}

fields!(SerializeStruct);
fields!(SerializeStructVariant);

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
