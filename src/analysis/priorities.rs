//! Hanlon priorities (in progress).
