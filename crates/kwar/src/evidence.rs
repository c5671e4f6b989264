//! Cluster evidence besides files: a live cluster (`--cluster`), and the declaration that the
//! manifests given are the whole cluster (`--complete`).

use std::sync::Arc;

use kwar_source::{Input, Origin, SourceText};

use crate::cli::EvidenceArgs;

/// The inputs the evidence flags add to the paths' inputs.
pub fn inputs(args: &EvidenceArgs) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    if args.cluster {
        inputs.extend(crate::snapshot::collect_inputs(&args.connection)?);
    }
    if args.complete {
        inputs.push(complete_declaration());
    }
    Ok(inputs)
}

/// `--complete`: the Cluster object a snapshot would carry, saying that the manifests are the
/// whole cluster. A snapshot's own Cluster object, read earlier, takes precedence.
fn complete_declaration() -> Input {
    const TEXT: &str = "apiVersion: kwar.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: manifests\nspec:\n  complete: true\n  source: manifests\n";
    SourceText {
        name: Arc::from("--complete"),
        text: TEXT.to_string(),
        origin: Origin::Rendered,
    }
    .into()
}
