//! Suggestions learned from the coders' own codings, on this machine: a logistic regression
//! per code over passages (a segment with its aligned translation), on the words the search
//! analyzer already computes (Russian and English stems, cross-script keys) and pairs of
//! neighbouring stems. Nothing leaves the machine; training on the sample takes well under a
//! second. A linear model explains itself: the words that weighed most are shown beside
//! each suggestion.
//!
//! - [`units`]: the passages of a project and their labels (which codes the coders gave them);
//! - [`model`]: the features, the solver, and the model of every code;
//! - [`evaluate`]: leave-one-interview-out scores for the learned model, the codebook's rules
//!   and the two human coders side by side.

pub mod evaluate;
pub mod model;
pub mod units;

pub use evaluate::{evaluate, Evaluation, Scores};
pub use model::{Model, Suggestion};
pub use units::{label, units, Unit};
