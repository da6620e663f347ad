//! Analysis: pure functions of the validated model that compute every published statistic. Knows
//! nothing of templates, charts or files.

pub mod appraisal;
pub mod tender;
