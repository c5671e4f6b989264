//! Evidence sources: turns paths, stdin and rendered kustomizations into Kubernetes objects
//! with their origin (file, line, Helm template), and records every input that could not be
//! read, so nothing is dropped without a trace.

mod input;
mod manifest;

pub use input::{bundle_inputs, collect_inputs, Input, InputOptions, Origin, SourceText};
pub use manifest::{read_objects, RawObject, SourceSet};

use std::sync::Arc;

/// An input that could not be read or understood. Everything else is still reviewed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InputError {
    pub file: Arc<str>,
    pub line: Option<u32>,
    pub message: String,
}

impl InputError {
    pub fn new(file: impl Into<Arc<str>>, line: Option<u32>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}
