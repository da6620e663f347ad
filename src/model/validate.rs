//! Cross-reference checks over a loaded project.
