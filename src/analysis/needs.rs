//! Needs assessment statistics (in progress).
