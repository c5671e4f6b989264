//! How many pods a PodDisruptionBudget lets the eviction API take, as the disruption
//! controller computes it. Shared by `pdb-present-and-permissive` and `pdbs-for-replicated`.

use kwar_inventory::Object;
use kwar_yaml::Node;

/// What a PDB allows at a given replica count, and the field that decides it.
pub(crate) struct Allowance<'a> {
    pub allowed: i64,
    /// `maxUnavailable` or `minAvailable`.
    pub field: &'static str,
    /// The field's node; None when neither field is set.
    pub node: Option<&'a Node>,
}

impl Allowance<'_> {
    /// `maxUnavailable: 0`, or a note that neither field is set.
    pub fn describe(&self) -> String {
        match self.node {
            Some(n) => format!("{}: {}", self.field, n.scalar_text().unwrap_or_default()),
            None => "no minAvailable or maxUnavailable".into(),
        }
    }
}

/// Disruptions the PDB allows with `replicas` healthy pods. Err names a field whose value
/// cannot be read (neither an integer nor a percentage).
pub(crate) fn allowed_disruptions(pdb: &Object, replicas: i64) -> Result<Allowance<'_>, String> {
    let spec = pdb.spec();
    let field = |name: &str| spec.and_then(|s| s.get(name)).filter(|n| !n.is_null());
    let unreadable =
        |name: &str, n: &Node| format!("{name} `{}`", n.scalar_text().unwrap_or_default());
    if let Some(n) = field("maxUnavailable") {
        let max = int_or_percent(n, replicas).ok_or_else(|| unreadable("maxUnavailable", n))?;
        return Ok(Allowance {
            allowed: max.clamp(0, replicas),
            field: "maxUnavailable",
            node: Some(n),
        });
    }
    if let Some(n) = field("minAvailable") {
        let min = int_or_percent(n, replicas).ok_or_else(|| unreadable("minAvailable", n))?;
        return Ok(Allowance {
            allowed: (replicas - min).max(0),
            field: "minAvailable",
            node: Some(n),
        });
    }
    // Neither field: policy/v1beta1 defaulted minAvailable to 1; policy/v1 requires nothing.
    let allowed = if pdb.api_version() == "policy/v1beta1" {
        (replicas - 1).max(0)
    } else {
        replicas
    };
    Ok(Allowance {
        allowed,
        field: "minAvailable",
        node: None,
    })
}

/// An int-or-percent value scaled to `total`, percentages rounded up as the disruption
/// controller does.
pub(crate) fn int_or_percent(node: &Node, total: i64) -> Option<i64> {
    if let Some(i) = node.as_i64() {
        return Some(i);
    }
    let text = node.as_str()?.trim();
    match text.strip_suffix('%') {
        Some(p) => {
            let p: i64 = p.trim().parse().ok()?;
            Some((p * total + 99) / 100)
        }
        None => text.parse().ok(),
    }
}
