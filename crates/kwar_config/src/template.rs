//! The commented default `kwar.yaml` that `kwar config init` writes.

use kwar_catalog::Catalog;

use crate::DEVELOPMENT_RELAXED_CHECKS;

/// A config file that changes nothing but explains every key; it loads as it is.
pub fn default_config_file() -> String {
    let catalog = Catalog::embedded();
    let system_namespaces = catalog
        .system_namespaces
        .iter()
        .map(|ns| format!("#     - {ns}\n"))
        .collect::<String>();
    let relaxed = DEVELOPMENT_RELAXED_CHECKS
        .iter()
        .map(|id| format!("#   {id}\n"))
        .collect::<String>();
    format!(
        r#"# kwar configuration. kwar finds this file (kwar.yaml or .kwar.yaml) in the directory it
# runs in or the nearest one above it; `kwar scan --config FILE` names one explicitly.
# Every key is optional. A mistake here (unknown key, unknown check id, bad date) stops kwar
# with file:line:column before anything is scanned. Reference: docs/configuration.md

# Which environment the manifests are for. `development` lowers the severity of these
# reliability checks by one level (one replica, no PDB, no zone spread, no HPA and Spot
# are acceptable outside production):
{relaxed}profile: production

checks:
  # Checks that do not run (ids as `kwar rules` lists them).
  disable: []
  # When not empty, only these checks run (custom rules always run).
  enable: []
  # Severity per check, replacing the catalog's: critical, high, medium, low or info.
  severity: {{}}
  #   no-latest-tag: critical

# The catalog's parameters. Left out, kwar uses the catalog's values.
parameters:
  # Namespaces whose workloads application checks skip. The catalog's list:
  # systemNamespaces:
{system_namespaces}  # Labels that name an owner or cost centre (check ownership-label).
  # ownershipLabels: [team, owner, cost-center]

suppressions:
  # Whether the `kwar.io/ignore` annotation (with `kwar.io/ignore-reason`) on an object or
  # its pod template suppresses findings. Set to false so that only this file can exempt.
  inline: true

# Accepted findings. Each entry needs `checks` (ids, or "*" for all) and a `reason`; the
# other criteria narrow it down (all must match; a list matches when any entry does).
# After `expires` (YYYY-MM-DD, the last day it applies) the exemption stops suppressing and
# the report lists it as expired.
exemptions: []
#  - checks: [multiple-replicas, pdb-present-and-permissive]
#    namespaces: ["batch-*"]          # globs, or /regex/
#    kinds: [Deployment]
#    names: ["/^report-(daily|weekly)$/"]
#    labels: {{tier: batch}}
#    reason: "Batch workers are retried by the queue; a single replica is fine"
#    expires: 2027-06-30

# Custom rules in CEL (see docs/configuration.md).
# rules: []
"#
    )
}
