use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every StorageClass of an OpenEBS replicated engine, by the number of copies it asks for:
    /// - Replicated PV Mayastor (`io.openebs.csi-mayastor`): `parameters.repl`;
    /// - cStor (`cstor.csi.openebs.io`): `parameters.replicaCount`;
    /// - Jiva (`jiva.csi.openebs.io`): `parameters.replicaCount` when the class sets it
    ///   (otherwise the count is in a JivaVolumePolicy, not evaluated).
    ///
    /// It passes with 2 or more copies (3 preferred), and warns with 1. A Mayastor class
    /// without `repl` gets a single replica and warns too. A count that is not a number, or
    /// a cStor class without `replicaCount`, is `unknown`. LocalPV classes (hostpath, device,
    /// LVM, ZFS) keep one copy by design and are judged by `local-pv-on-ephemeral-nodes`.
    ///
    /// Whether the copies land in different zones depends on the engine's pools and topology
    /// settings, which a StorageClass does not show: the spread is not judged.
    ///
    /// ## Why it matters
    /// A replicated engine with one replica is a local disk with extra steps: when EKS
    /// replaces the node holding it (an AMI update, a Spot interruption, a scale-down) the
    /// volume is lost or unavailable. Two copies survive one node; three survive one node
    /// while another is being rebuilt.
    ///
    /// ## How to fix
    /// Use three replicas and spread them over zones with the engine's topology parameters:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: mayastor-3
    /// provisioner: io.openebs.csi-mayastor
    /// parameters:
    ///   protocol: nvmf
    ///   repl: "3"
    ///   thin: "true"
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## References
    /// - <https://openebs.io/docs/user-guides/replicated-storage-user-guide/replicated-pv-mayastor/configuration/rs-storage-class-parameters>
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#local>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "replicated-engine-factor",
    run,
    needs = ["storage.k8s.io/storageclasses"]
}

/// What a StorageClass without the copy-count parameter means for an engine.
#[derive(Clone, Copy)]
enum Unset {
    /// The engine's default count.
    Default(i64),
    /// The engine needs it; the class alone does not say what happens.
    Unknown,
    /// The count lives in another object (Jiva's JivaVolumePolicy): not evaluated.
    Elsewhere,
}

/// A replicated engine: its provisioner and the parameter holding the copy count.
struct Engine {
    name: &'static str,
    provisioner: &'static str,
    parameter: &'static str,
    unset: Unset,
}

const ENGINES: [Engine; 3] = [
    Engine {
        name: "Mayastor",
        provisioner: "io.openebs.csi-mayastor",
        parameter: "repl",
        unset: Unset::Default(1),
    },
    Engine {
        name: "cStor",
        provisioner: "cstor.csi.openebs.io",
        parameter: "replicaCount",
        unset: Unset::Unknown,
    },
    Engine {
        name: "Jiva",
        provisioner: "jiva.csi.openebs.io",
        parameter: "replicaCount",
        unset: Unset::Elsewhere,
    },
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for class in cx
        .inv
        .of_kind("StorageClass")
        .filter(|sc| sc.api_group() == "storage.k8s.io")
    {
        let provisioner = class.root().get("provisioner").and_then(Node::as_str);
        let Some(engine) = ENGINES.iter().find(|e| Some(e.provisioner) == provisioner) else {
            continue;
        };
        let param = engine.parameter;
        let path = format!("parameters.{param}");
        let node = class.root().at(&["parameters", param]);
        let count = match (node, engine.unset) {
            (Some(n), _) => n.scalar_text().and_then(|t| t.trim().parse::<i64>().ok()),
            (None, Unset::Default(n)) => Some(n),
            (None, Unset::Elsewhere) => continue,
            (None, Unset::Unknown) => None,
        };
        let name = class.name();
        match (count, node) {
            (Some(n), _) if n >= 2 => out.pass(class),
            (Some(_), Some(n)) => out.warn(
                Subject::object(class).at(path, Some(n)),
                format!(
                    "StorageClass `{name}` keeps a single {} replica of each volume: a node \
                     replacement loses it; expected {param} \"3\" (at least \"2\")",
                    engine.name
                ),
            ),
            (Some(_), None) => out.warn(
                Subject::object(class).at(path, None),
                format!(
                    "StorageClass `{name}` sets no `{param}`: {} keeps a single replica of each \
                     volume; expected {param} \"3\" (at least \"2\")",
                    engine.name
                ),
            ),
            (None, Some(n)) => out.unknown(
                Subject::object(class).at(path, Some(n)),
                format!("StorageClass `{name}` has a `{param}` that is not a number"),
            ),
            (None, None) => out.unknown(
                Subject::object(class).at(path, None),
                format!(
                    "StorageClass `{name}` sets no `{param}`: the {} replica count is not \
                     known from the class",
                    engine.name
                ),
            ),
        }
    }
}
