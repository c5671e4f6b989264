//! kwar's checks. Each check lives in one file under `rules/<area>/`, named after its catalog
//! id (`readiness-probe-defined` → `rules/application/readiness_probe_defined.rs`). The file's
//! doc comment is the check's user documentation (`kwar explain <check>` prints it); the
//! catalog supplies its item, severity and pillars.

mod cluster_autoscaler;
mod container_flags;
mod context;
mod daemonset_coverage;
mod disruption_budget;
mod efs;
pub mod example;
mod gitops_tracking;
pub mod image;
mod kubernetes_version;
mod node_selection;
mod outcome;
mod presence;
mod quantity;
mod retired;
pub mod rules;
mod running_pods;
mod storage_class;
mod vpc_cni;
mod worker_nodes;

#[cfg(test)]
mod testing;

pub use context::{Context, Params};
pub use outcome::{Finding, Outcomes, Subject, Verdict};

use kwar_detect::Detections;
use kwar_inventory::Inventory;
use rayon::prelude::*;

/// A check: its catalog id, its documentation and the function that runs it.
pub struct CheckDef {
    pub id: &'static str,
    pub doc: &'static str,
    pub run: fn(&Context<'_>, &mut Outcomes),
    /// The check's test fixture (`fixtures/<id>.yaml`): real manifests whose objects say, in
    /// the `kwar.test/expect` annotation, what the check must conclude about them. `kwar
    /// explain` takes its failing example from here, so the example is tested.
    pub fixture: &'static str,
    /// Resource types the check reads from a cluster (`pods`, `apps/deployments`,
    /// `networking.k8s.io/networkpolicies`). When the input is a cluster and one of them could
    /// not be read, the check is not run: it reports `unknown` naming the missing permission,
    /// because judging without that evidence would pass or fail on nothing.
    pub needs: &'static [&'static str],
}

impl CheckDef {
    /// The documentation with the one leading space every `///` line carries removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Declares a check: `declare_check! { /// docs… "check-id", run }`, optionally followed by
/// `, needs = ["nodes", "apps/deployments"]` (see [`CheckDef::needs`]).
#[macro_export]
macro_rules! declare_check {
    ($(#[doc = $doc:literal])* $id:literal, $run:path $(, needs = [$($need:literal),* $(,)?])? $(,)?) => {
        $(#[doc = $doc])*
        pub static CHECK: $crate::CheckDef = $crate::CheckDef {
            id: $id,
            doc: concat!($($doc, "\n"),*),
            run: $run,
            fixture: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $id, ".yaml")),
            needs: &[$($($need),*)?],
        };
    };
}

/// Every check kwar runs, in registry order.
pub fn all_checks() -> Vec<&'static CheckDef> {
    rules::all()
}

pub fn find_check(id: &str) -> Option<&'static CheckDef> {
    rules::all().into_iter().find(|c| c.id == id)
}

/// Runs the given checks over the inventory, in parallel, and returns their outcomes in
/// registry order.
pub fn run_checks(
    inv: &Inventory,
    detections: &Detections,
    params: &Params,
    checks: &[&'static CheckDef],
) -> Vec<Outcomes> {
    let cx = Context::new(inv, detections, params);
    checks
        .par_iter()
        .map(|check| {
            let mut out = Outcomes::new(check.id);
            if !report_missing_evidence(&cx, check, &mut out) {
                (check.run)(&cx, &mut out);
            }
            out
        })
        .collect()
}

/// Reports `unknown` on the cluster when a resource type the check needs could not be read;
/// returns whether it did (and the check must not run).
fn report_missing_evidence(cx: &Context<'_>, check: &CheckDef, out: &mut Outcomes) -> bool {
    let Some(cluster) = cx.inv.cluster() else {
        return false;
    };
    let refused: Vec<_> = check
        .needs
        .iter()
        .filter_map(|need| {
            let (group, resource) = need.rsplit_once('/').unwrap_or(("", need));
            cluster.unreadable(group, resource)
        })
        .collect();
    if refused.is_empty() {
        return false;
    }
    let permissions: Vec<_> = refused
        .iter()
        .map(|u| format!("`{}`", u.permission))
        .collect();
    let reasons: Vec<_> = refused
        .iter()
        .map(|u| match u.code {
            Some(code) => format!("{} ({code})", u.qualified_name()),
            None => u.qualified_name(),
        })
        .collect();
    out.unknown(
        Subject::object(cx.inv.object(cluster.object)),
        format!(
            "cannot decide: {} could not be read; grant {} to the identity that collects the evidence",
            reasons.join(", "),
            permissions.join(" and ")
        ),
    );
    true
}

/// What every check file imports.
pub(crate) mod prelude {
    pub use crate::declare_check;
    pub use crate::{Context, Outcomes, Subject, Verdict};
    pub use kwar_inventory::{
        Container, ContainerKind, LabelSelector, Object, Workload, WorkloadKind,
    };
    pub use kwar_yaml::{Node, Value};
}
