//! The integration tests, as one test binary (`cargo test --test it`): one module per area, and
//! `common` for the helpers they share. One binary links the library once instead of once per
//! test file. Run one area with a filter, e.g. `cargo test --test it corpus::`.
// Test helpers are `pub` for the test modules; the crate-wide `unreachable_pub` lint is for
// the library.
#![allow(unreachable_pub)]

mod common;

/// Counts each thread's allocations, for the tests that bound what reading an input costs.
#[global_allocator]
static ALLOCATOR: common::alloc::Counting = common::alloc::Counting;

mod build_site;
mod catalogue;
mod corpus;
mod data_values;
mod fuzz;
mod hardening;
mod hostile;
mod incremental;
mod limits;
mod maps;
mod nothing_lost;
mod ocds_round_trip;
mod open_standards;
mod publish_safety;
mod published_schemas;
mod realworld;
mod rebuilds;
mod serve;
mod snapshots;
mod tenders;
mod theme_override;
mod trust;
mod walk;
mod wording;
mod workbook_limits;
