//! Loading: the only stage that reads the project folder. Turns files into the domain model plus
//! every diagnostic found on the way.

pub mod fields;
pub mod table;
