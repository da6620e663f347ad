//! Open-data documents built from the model and analysis: pure functions returning bytes or JSON
//! values; the write stage puts them on disk.

mod csv_rows;
pub mod data;
mod finite;
mod float_text;
pub mod giving;
mod json_rows;
pub mod ocds;
pub mod ocds_tender;
pub mod register;
pub(crate) mod row_text;
pub mod search;
pub mod search_text;
pub mod search_words;
pub mod tender_data;
