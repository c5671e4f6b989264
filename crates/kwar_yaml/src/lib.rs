//! Span-preserving YAML for Kubernetes manifests.
//!
//! Kubernetes does not read YAML the way a YAML 1.2 library does: `kubectl` splits a stream
//! textually on `---` lines and decodes each chunk with go-yaml v2, which applies the YAML 1.1
//! scalar rules (`yes`/`off` are booleans, `0644` is octal). This crate reproduces that reading
//! on top of `saphyr-parser` events and keeps the line and column of every node, so a finding
//! can point at the offending field.

mod json;
mod located;
mod node;
mod reader;
mod resolve;
mod split;

pub use json::parse_json;
pub use located::{allowed_entries, LocatedError};
pub use node::{Node, Pos, Text, Value};
pub use reader::{parse_document, ParseError, ParsedDocument};
pub use resolve::resolve_plain;
pub use split::{split_documents, Chunk};
