//! Synthetic national returns with their ground truth.
//!
//! This crate answers "what would the agencies' returns look like if this had happened?" It
//! draws a world ([`world`]), lets each returning agency record its part of it in its own
//! layout and with its own gaps ([`returns`]), and writes the truth beside it for evaluation.
//! Nothing here is real; names come from generic lists ([`names`]).

pub mod names;
pub mod world;
